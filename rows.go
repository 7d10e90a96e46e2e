package imis

import "strings"

// The columns and rows the store derives from other records. Each is built here once, for the
// rules that keep them as records are saved and for the loaders that write many rows at once
// (the demo scheme, an import of an openIMIS database).

// SearchText is what the free-text search of a register matches: the record's code and title,
// lower-cased once on write, so a search compares one stored column.
func (r *Register) SearchText(v Values) string {
	if r.Code == r.Title {
		return strings.ToLower(v.Text(r.Code))
	}
	return strings.ToLower(v.Text(r.Code) + " " + v.Text(r.Title))
}

// PersonName is how the registers name a person: the last name, then the other names.
func PersonName(last, other string) string { return strings.TrimSpace(last + " " + other) }

// FamilyHead returns the columns that name a family after its head: the head's id, insurance
// number and name.
func FamilyHead(headID ID, chfid, last, other string) Values {
	return Values{"head_id": headID, "head_chfid": chfid, "head_name": PersonName(last, other)}
}

// PolicyCopies returns what a policy copies from its family and product, so that scoping, lists
// and searches need no join: the family's district and head's number, the product's code.
func PolicyCopies(district ID, headCHFID, productCode string) Values {
	v := Values{"district_id": nil, "head_chfid": nil, "product_code": productCode}
	if district != NilID {
		v["district_id"] = district
	}
	if headCHFID != "" {
		v["head_chfid"] = headCHFID
	}
	return v
}

// ContributionCopies returns what a contribution copies from its policy: its product (receipts
// are unique per product), family, district and head's number.
func ContributionCopies(policy Values) Values {
	return Values{"product_id": policy["product_id"], "family_id": policy["family_id"],
		"district_id": policy["district_id"], "head_chfid": policy["head_chfid"]}
}

// PolicyFigures are the columns of a policy that the server computes from its product, its
// members and the policy it renews.
type PolicyFigures struct {
	Stage         string
	Start, Expiry Date
	Value         Money
	RenewalOrder  int // the renewal's rank among the family's renewals of the product; 0 for a new policy
}

// PricePolicy computes the figures of a policy enrolled on enroll under terms (insurance-domain
// §5.3–§5.5): its period, its value for the members it covers (in registration order, classified
// on the enrolment date), and for a renewal its rank after the family's earlierRenewals of the
// product. prevExpiry is the expiry of the policy a renewal renews.
func PricePolicy(t PolicyTerms, members []Member, stage string, enroll, prevExpiry Date, earlierRenewals int) (PolicyFigures, error) {
	start, expiry, err := PolicyPeriod(t, enroll, stage, prevExpiry)
	if err != nil {
		return PolicyFigures{}, err
	}
	f := PolicyFigures{Stage: stage, Start: start, Expiry: expiry,
		Value: PolicyValue(t, members, stage, enroll, DiscountBase(stage, start, prevExpiry))}
	if stage == StageRenewal {
		f.RenewalOrder = earlierRenewals + 1
	}
	return f, nil
}

// Values returns the figures as the columns of a policy just entered: Idle, not yet in force.
func (f PolicyFigures) Values() Values {
	v := Values{"stage": f.Stage, "status": int64(PolicyIdle), "value": int64(f.Value),
		"start_date": f.Start, "expiry_date": f.Expiry, "effective_date": nil, "renewal_order": nil}
	if f.RenewalOrder > 0 {
		v["renewal_order"] = int64(f.RenewalOrder)
	}
	return v
}

// CoveredMembers returns the members a policy covers and prices: the family's members in
// registration order, up to the product's maximum (0: no maximum).
func CoveredMembers[M any](members []M, maxMembers int) []M {
	if maxMembers > 0 && len(members) > maxMembers {
		return members[:maxMembers]
	}
	return members
}

// CoverageRow returns the coverage row (insuree_policies) of an insuree under the policy with id
// policyID and values policy: the policy's dates, covered from effective (zero: on the policy but
// not yet paid for).
func CoverageRow(policyID ID, policy Values, insureeID ID, effective Date) Values {
	return Values{"family_id": policy["family_id"], "insuree_id": insureeID, "policy_id": policyID,
		"enrollment_date": policy.Date("enroll_date"), "start_date": policy.Date("start_date"), "effective_date": effective,
		"expiry_date": policy.Date("expiry_date"), "is_offline": policy.Bool("is_offline")}
}
