package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"testing"
	"time"

	imis "github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/store"
)

// Created posts a record and returns it decoded, failing the test unless it was created.
func (e *Env) Created(t *testing.T, token, reg, body string) map[string]any {
	t.Helper()
	r := e.API(t, token, http.MethodPost, "/api/registers/"+reg, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", reg, r.Status, r.Body)
	}
	m := Object(t, r.Body)
	if loc := r.Header.Get("Location"); loc != "/api/registers/"+reg+"/"+m["id"].(string) {
		t.Errorf("Location %q for id %v", loc, m["id"])
	}
	return m
}

// Fetch gets one record by id and decodes it.
func (e *Env) Fetch(t *testing.T, token, reg, id, query string) map[string]any {
	t.Helper()
	r := e.API(t, token, http.MethodGet, "/api/registers/"+reg+"/"+id+query, "")
	if r.Status != http.StatusOK {
		t.Fatalf("get %s/%s%s: %d %s", reg, id, query, r.Status, r.Body)
	}
	return Object(t, r.Body)
}

// FetchFirstID returns the id of the first record of a register in the API's order.
func (e *Env) FetchFirstID(t *testing.T, tok, reg string) string {
	t.Helper()
	r := e.API(t, tok, "GET", "/api/registers/"+reg+"?size=1", "")
	items := RowsOf(t, Object(t, r.Body), "items")
	if len(items) == 0 {
		t.Fatalf("no %s", reg)
	}
	return items[0]["id"].(string)
}

// Total returns how many current records of a register the token's user sees.
func (e *Env) Total(t *testing.T, token, reg string) int {
	t.Helper()
	r := e.API(t, token, http.MethodGet, "/api/registers/"+reg+"?size=1", "")
	if r.Status != http.StatusOK {
		t.Fatalf("count %s: %d %s", reg, r.Status, r.Body)
	}
	n, err := Object(t, r.Body)["total"].(json.Number).Int64()
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// IDOf returns the id of the current record with the given code, as the system sees it.
func (e *Env) IDOf(t *testing.T, reg *imis.Register, code string) imis.ID {
	t.Helper()
	id, err := e.DB.IDByCode(imis.SystemContext(context.Background()), reg, code)
	if err != nil {
		t.Fatalf("%s %s: %v", reg.Name, code, err)
	}
	return id
}

// AddUser creates a user directly in the store, with roles by name and districts by code.
func (e *Env) AddUser(t *testing.T, login, password string, roles []string, districts []string) imis.ID {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	ids, err := e.DB.RoleIDs(ctx, roles)
	if err != nil {
		t.Fatal(err)
	}
	children := map[string][]imis.Values{"roles": {}, "districts": {}}
	for _, id := range ids {
		children["roles"] = append(children["roles"], imis.Values{"role_id": id})
	}
	for _, d := range districts {
		children["districts"] = append(children["districts"], imis.Values{"location_id": e.IDOf(t, imis.Locations, d)})
	}
	v, p := imis.Users.Parse(map[string]string{"login": login, "last_name": login, "other_names": "Test"}, true)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	v["password_hash"] = auth.HashPassword(password)
	rec, err := e.DB.Create(ctx, imis.Users, v, children)
	if err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

// CurrentCount is how many current records of reg exist, as the system sees them.
func (e *Env) CurrentCount(t *testing.T, reg *imis.Register) int {
	t.Helper()
	_, n, err := e.DB.Find(imis.SystemContext(context.Background()), reg, store.Filter{Page: imis.Page{Size: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// UserCtx is a context acting as the named user, to read the store as that user sees it.
func (e *Env) UserCtx(t *testing.T, login string) context.Context {
	t.Helper()
	ctx := context.Background()
	id, err := e.DB.UserIDByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.DB.LoadUser(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return imis.NewContextWithUser(ctx, u)
}

// Records returns up to 500 current records of reg as ctx's user sees them, filtered.
func (e *Env) Records(t *testing.T, ctx context.Context, reg *imis.Register, fields map[string]string) ([]*store.Record, int) {
	t.Helper()
	recs, total, err := e.DB.Find(ctx, reg, store.Filter{Fields: fields, Page: imis.Page{Size: 500}})
	if err != nil {
		t.Fatal(err)
	}
	return recs, total
}

// Counts returns how many current families, insurees, policies and contributions exist.
func (e *Env) Counts(t *testing.T) [4]int {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	var out [4]int
	for i, reg := range []*imis.Register{imis.Families, imis.Insurees, imis.Policies, imis.Contributions} {
		_, n := e.Records(t, ctx, reg, nil)
		out[i] = n
	}
	return out
}

// FreeCHFID returns a valid demo insurance number that no demo insuree has: the demo's bodies
// start at 10000000, these below.
func FreeCHFID(n int) string {
	body := fmt.Sprintf("0%07d", n)
	return body + imis.DemoNumberRule.CheckDigit(body)
}

// WizardMember is one member as the wizard's second step takes it.
type WizardMember struct{ CHFID, Last, Other, DOB, Gender, Relation string }

// FamilyOf3 is the household of the happy path: two adults and a child.
func FamilyOf3(base int) []WizardMember {
	return []WizardMember{
		{FreeCHFID(base), "Mwakilema", "Neema", "1988-04-12", "F", ""},
		{FreeCHFID(base + 1), "Mwakilema", "Baraka", "1985-11-02", "M", "8"},
		{FreeCHFID(base + 2), "Mwakilema", "Imani", "2019-06-30", "F", "4"},
	}
}

// EnrolledFamily enrols a family of three in village R1D1W1V1 with no policy, through the
// store, and returns its id and its members' ids (head first).
func EnrolledFamily(t *testing.T, e *Env, base int) (imis.ID, []imis.ID) {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	village := e.IDOf(t, imis.Locations, "R1D1W1V1")
	member := func(m WizardMember) imis.Values {
		raw := map[string]string{"chfid": m.CHFID, "last_name": m.Last, "other_names": m.Other, "dob": m.DOB, "gender": m.Gender,
			"relationship": m.Relation, "family_id": imis.NilID.String()}
		v, p := imis.Insurees.Parse(raw, true)
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
		return v
	}
	ms := FamilyOf3(base)
	family, p := imis.Families.Parse(map[string]string{"location_id": village.String(), "family_type": "H"}, true)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	res, err := e.DB.Enrol(ctx, store.Enrolment{Family: family,
		Head: member(ms[0]), Members: []imis.Values{member(ms[1]), member(ms[2])}})
	if err != nil {
		t.Fatal(err)
	}
	ids := []imis.ID{res.Head.ID}
	for _, m := range res.Members {
		ids = append(ids, m.ID)
	}
	return res.Family.ID, ids
}

// ActiveFamily enrols a family of three with an NBC01 policy paid in full today, through the
// wizard's single store call, and returns the head's number.
func ActiveFamily(t *testing.T, e *Env, base int) string {
	t.Helper()
	chfid, _ := PaidFamily(t, e, base, "NBC01")
	return chfid
}

// PaidFamily enrols a family of three in village R1D1W1V1 with a policy of product paid in full
// today, and returns the head's number and the family. Paid for RFC01, whose next cycle starts
// on 2026-07-01, the policy is Active with its cover still to come.
func PaidFamily(t *testing.T, e *Env, base int, product string) (string, imis.ID) {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	fam, _ := EnrolledFamily(t, e, base)
	today := MustDate(t, BaseTime.Format(time.DateOnly))
	pol, err := e.DB.Create(ctx, imis.Policies, imis.Values{"family_id": fam, "product_id": e.IDOf(t, imis.Products, product),
		"officer_id": e.IDOf(t, imis.Officers, "EO0101"), "enroll_date": today, "is_offline": false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Create(ctx, imis.Contributions, imis.Values{"policy_id": pol.ID, "amount": pol.Values["value"], "receipt": "ENQ-" + FreeCHFID(base),
		"pay_date": today, "pay_type": "C", "is_photo_fee": false, "is_offline": false}, nil); err != nil {
		t.Fatal(err)
	}
	return FreeCHFID(base), fam
}

// CoveredService returns the code of a service the demo products cover.
func CoveredService(t *testing.T, e *Env) string {
	t.Helper()
	recs, _, err := e.DB.Find(imis.SystemContext(context.Background()), imis.Services, store.Filter{Page: imis.Page{Size: 1}})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no service: %v", err)
	}
	return recs[0].Values["code"].(string)
}

// MustDate parses a yyyy-MM-dd date, failing the test when it is none.
func MustDate(t *testing.T, s string) imis.Date {
	t.Helper()
	d, err := imis.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// PhotoPNG is a small valid photo.
func PhotoPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 48))
	for x := range 40 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
