package demo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openimis-go/openimis"
)

// officersPerDistrict is how many enrolment officers share a district's villages.
const officersPerDistrict = 2

// officers creates two enrolment officers per district and splits the district's villages
// between them; the first of each district gets a login, which the store creates as a user with
// the Enrolment Officer role.
func (b *builder) officers() error {
	total := officersPerDistrict * len(b.districts)
	done := 0
	b.progress(done, total)
	for _, d := range b.districts {
		villages := d.villages()
		half := (len(villages) + 1) / 2
		shares := [officersPerDistrict][]*village{villages[:half], villages[half:]}
		for k, share := range shares {
			code := fmt.Sprintf("EO%02d%02d", d.num, k+1)
			p := randomPerson(b.rng, 1970, 1998)
			home := pick(b.rng, share)
			raw := map[string]string{
				"code": code, "last_name": p.last, "other_names": p.other, "dob": p.dob.String(),
				"phone": phone(b.rng), "email": emailFor(code), "location_id": d.id.String(),
				"phone_communication": fmt.Sprint(b.rng.IntN(2) == 0),
				"permanent_address":   home.name + ", " + d.name,
			}
			villageRows := make(rows, len(share))
			for i, v := range share {
				villageRows[i] = map[string]string{"location_id": v.id.String()}
			}
			var extra imis.Values
			if k == 0 {
				raw["has_login"] = "true"
				extra = imis.Values{"password_hash": b.hashes[officerPassword]}
			}
			if _, err := b.create(imis.Officers, raw, map[string]rows{"villages": villageRows}, extra); err != nil {
				return err
			}
			if k == 0 {
				b.sum.Users++
				b.sum.Logins = append(b.sum.Logins, Login{Login: code, Password: officerPassword, Role: roleName(imis.SystemRoleEnrolmentOfficer), District: d.name})
			}
			d.officer = append(d.officer, code)
			b.sum.Officers++
			done++
			b.progress(done, total)
		}
	}
	return nil
}

// claimAdmins creates one claim administrator per facility, each with a login that the store
// creates as a user with the Claim Administrator role in the facility's district.
func (b *builder) claimAdmins() error {
	b.progress(0, len(b.hfs))
	for i, f := range b.hfs {
		code := "CA" + strings.TrimPrefix(f.code, "HF")
		p := randomPerson(b.rng, 1965, 2000)
		raw := map[string]string{
			"code": code, "last_name": p.last, "other_names": p.other, "dob": p.dob.String(),
			"phone": phone(b.rng), "email": emailFor(code), "hf_id": f.id.String(), "has_login": "true",
		}
		if _, err := b.create(imis.ClaimAdmins, raw, nil, imis.Values{"password_hash": b.hashes[claimsPassword]}); err != nil {
			return err
		}
		b.sum.ClaimAdmins++
		b.sum.Users++
		b.sum.Logins = append(b.sum.Logins, Login{Login: code, Password: claimsPassword, Role: roleName(imis.SystemRoleClaimAdministrator), District: f.district.name})
		b.progress(i+1, len(b.hfs))
	}
	return nil
}

// roleName returns the name of the system role with the given code.
func roleName(code int) string {
	for _, r := range imis.SystemRoles {
		if r.Code == code {
			return r.Name
		}
	}
	return ""
}

// roleLogins names the demo user of each system role other than the administrator's.
var roleLogins = map[int]string{
	imis.SystemRoleEnrolmentOfficer: "EnrolOfficer", imis.SystemRoleManager: "Manager", imis.SystemRoleAccountant: "Accountant",
	imis.SystemRoleClerk: "Clerk", imis.SystemRoleMedicalOfficer: "MedOfficer", imis.SystemRoleSchemeAdministrator: "SchemeAdmin",
	imis.SystemRoleReceptionist: "Receptionist", imis.SystemRoleClaimAdministrator: "ClaimAdmin",
	imis.SystemRoleClaimContributor: "ClaimContrib", imis.SystemRoleHFAdministrator: "HFAdmin",
	imis.SystemRoleOfflineAdministrator: "OfflineAdmin",
}

// facilityStaff are the roles whose demo user works at one facility, the district hospital.
var facilityStaff = map[int]bool{imis.SystemRoleClaimAdministrator: true, imis.SystemRoleClaimContributor: true, imis.SystemRoleHFAdministrator: true}

// users creates the administrator and one user per other system role. They work in the first
// district of the first region, except the scheme administrator, who manages every district.
func (b *builder) users() error {
	total := len(imis.SystemRoles)
	b.progress(0, total)
	home := b.districts[0]
	done := 0
	var staff []Login
	for _, sr := range imis.SystemRoles {
		roles, err := b.db.RoleIDs(b.ctx, []string{sr.Name})
		if err != nil {
			return fmt.Errorf("demo: role %q: %w", sr.Name, err)
		}
		login, password := roleLogins[sr.Code], userPassword
		raw := map[string]string{"login": login}
		var districts []*district
		switch {
		case sr.Code == imis.SystemRoleAdministrator:
			login, password = "Admin", adminPassword
			raw = map[string]string{"login": login, "last_name": "Admin", "other_names": "Demo"}
		case login == "":
			return fmt.Errorf("demo: no demo login for the system role %q", sr.Name)
		case sr.Code == imis.SystemRoleSchemeAdministrator:
			districts = b.districts
		default:
			districts = []*district{home}
		}
		if raw["last_name"] == "" {
			p := randomPerson(b.rng, 1965, 2000)
			raw["last_name"], raw["other_names"] = p.last, p.other
		}
		raw["email"] = emailFor(login)
		raw["phone"] = phone(b.rng)
		if facilityStaff[sr.Code] {
			raw["hf_id"] = home.hfs[0].id.String()
		}
		districtRows := make(rows, len(districts))
		names := make([]string, len(districts))
		for i, d := range districts {
			districtRows[i] = map[string]string{"location_id": d.id.String()}
			names[i] = d.name
		}
		children := map[string]rows{"roles": {{"role_id": roles[0].String()}}, "districts": districtRows}
		if _, err := b.create(imis.Users, raw, children, imis.Values{"password_hash": b.hashes[password]}); err != nil {
			return err
		}
		b.sum.Users++
		l := Login{Login: login, Password: password, Role: sr.Name, District: strings.Join(names, ", ")}
		if sr.Code == imis.SystemRoleAdministrator {
			staff = slices.Insert(staff, 0, l)
		} else {
			staff = append(staff, l)
		}
		done++
		b.progress(done, total)
	}
	// The administrator and the role users come first in the list to print, then the officers
	// and claim administrators.
	b.sum.Logins = slices.Concat(staff, b.sum.Logins)
	return nil
}
