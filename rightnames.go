package imis

import (
	"fmt"
	"slices"
)

// rightEntities names the entity of each right block (the first four digits of a right code).
var rightEntities = map[int]string{
	1010: "right.entity.family", 1011: "right.entity.insuree", 1012: "right.entity.policy", 1013: "right.entity.contribution",
	1014: "right.entity.payment", 1110: "right.entity.claim", 1111: "right.entity.batch", 1210: "right.entity.product",
	1211: "right.entity.hf", 1212: "right.entity.service_pricelist", 1213: "right.entity.item_pricelist", 1214: "right.entity.service",
	1215: "right.entity.officer", 1216: "right.entity.claim_admin", 1217: "right.entity.user", 1218: "right.entity.payer",
	1219: "right.entity.location", 1220: "right.entity.role", 1221: "right.entity.item", 1310: "right.entity.registers",
	1311: "right.entity.extracts", 1312: "right.entity.reports", 1313: "right.entity.utilities", 1314: "right.entity.funding",
}

// RightInfo is a right as a role editor lists it: its code and the catalogue keys of its entity
// and action.
type RightInfo struct {
	Code   Right
	Entity string
	Action string
}

// KnownRights lists every right the system roles use, plus the platform's own, in code order.
func KnownRights() []RightInfo {
	seen := map[Right]bool{}
	for _, r := range SystemRoles {
		for _, code := range r.Rights {
			seen[code] = true
		}
	}
	for _, reg := range AllRegisters {
		for _, code := range []Right{reg.Rights.Search, reg.Rights.Add, reg.Rights.Edit, reg.Rights.Delete} {
			seen[code] = true
		}
	}
	codes := make([]Right, 0, len(seen))
	for c := range seen {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	out := make([]RightInfo, len(codes))
	for i, c := range codes {
		entity, ok := rightEntities[int(c)/100]
		if !ok {
			entity = "right.entity.other"
		}
		out[i] = RightInfo{Code: c, Entity: entity, Action: fmt.Sprintf("right.action.%02d", int(c)%100)}
	}
	return out
}
