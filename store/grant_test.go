package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// grantEnv is a database with two districts and a way to act as users of one of them.
type grantEnv struct {
	ctx context.Context
	db  *store.DB
	tr  tree
}

func newGrantEnv(t *testing.T) *grantEnv {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	return &grantEnv{ctx: ctx, db: db, tr: makeTree(t, ctx, db)}
}

func (e *grantEnv) role(t *testing.T, name string) imis.ID {
	t.Helper()
	ids, err := e.db.RoleIDs(e.ctx, []string{name})
	if err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

// customRole creates a role with the given rights, as the system.
func (e *grantEnv) customRole(t *testing.T, name string, blocked bool, rights ...imis.Right) *store.Record {
	t.Helper()
	rows := make([]imis.Values, len(rights))
	for i, r := range rights {
		rows[i] = imis.Values{"right_id": int64(r)}
	}
	r, err := e.db.Create(e.ctx, imis.Roles, imis.Values{"name": name, "blocked": blocked}, map[string][]imis.Values{"rights": rows})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// actAs creates a user with the roles in district d1 and returns a context acting as them.
func (e *grantEnv) actAs(t *testing.T, login string, roles ...imis.ID) context.Context {
	t.Helper()
	r := mustCreate(t, e.ctx, e.db, imis.Users, map[string]string{"login": login, "last_name": "Editor", "other_names": login},
		userRows(roles, e.tr.d1))
	u, err := e.db.LoadUser(e.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return imis.NewContextWithUser(e.ctx, u)
}

func userRows(roles []imis.ID, districts ...imis.ID) map[string][]imis.Values {
	children := map[string][]imis.Values{"roles": {}, "districts": {}}
	for _, r := range roles {
		children["roles"] = append(children["roles"], imis.Values{"role_id": r})
	}
	for _, d := range districts {
		children["districts"] = append(children["districts"], imis.Values{"location_id": d})
	}
	return children
}

func userValues(login string) imis.Values {
	v, _ := imis.Users.Parse(map[string]string{"login": login, "last_name": "Given", "other_names": login}, true)
	return v
}

// refusedOn checks that err refuses the save as invalid input, naming field with key (any key
// when "").
func refusedOn(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	var e *imis.Error
	if !errors.As(err, &e) || e.Code != imis.EINVALID || e.Fields[field].Key == "" || (key != "" && e.Fields[field].Key != key) {
		t.Errorf("%s: %v, want %s on %s", what, err, key, field)
	}
}

// TestUserGrantLimitedToEditorsRights: a user manager who is not an administrator gives another
// user, or themselves, only roles whose rights they hold and only their own districts; a refused
// save writes nothing.
func TestUserGrantLimitedToEditorsRights(t *testing.T) {
	e := newGrantEnv(t)
	hfAdmin, offline, scheme := e.role(t, "HF Administrator"), e.role(t, "Offline Administrator"), e.role(t, "Scheme Administrator")
	ctx := e.actAs(t, "hfadmin", hfAdmin)
	_, usersBefore, err := e.db.Find(e.ctx, imis.Users, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}

	_, err = e.db.Create(ctx, imis.Users, userValues("escalated"), userRows([]imis.ID{scheme}, e.tr.d1))
	refusedOn(t, "the Scheme Administrator role", err, "roles.0.role_id", "error.role_rights_not_held")
	_, err = e.db.Create(ctx, imis.Users, userValues("escalated"), userRows([]imis.ID{hfAdmin, scheme}, e.tr.d1))
	refusedOn(t, "the Scheme Administrator role second", err, "roles.1.role_id", "error.role_rights_not_held")
	_, err = e.db.Create(ctx, imis.Users, userValues("elsewhere"), userRows([]imis.ID{hfAdmin}, e.tr.d2))
	// Another district is not even visible to a district user, so it is refused as unknown.
	refusedOn(t, "another district", err, "districts.0.location_id", "")
	if _, n, _ := e.db.Find(e.ctx, imis.Users, store.Filter{}); n != usersBefore {
		t.Fatalf("users %d after refusals, want %d", n, usersBefore)
	}

	given, err := e.db.Create(ctx, imis.Users, userValues("peer"), userRows([]imis.ID{hfAdmin, offline}, e.tr.d1))
	if err != nil {
		t.Fatalf("roles whose rights the editor holds: %v", err)
	}
	_, err = e.db.Update(ctx, imis.Users, given.ID, given.Version, userValues("peer"), userRows([]imis.ID{hfAdmin, scheme}, e.tr.d1))
	refusedOn(t, "a role added on edit", err, "roles.1.role_id", "error.role_rights_not_held")
	myID, err := e.db.UserIDByLogin(e.ctx, "hfadmin")
	if err != nil {
		t.Fatal(err)
	}
	me, err := e.db.FindByID(e.ctx, imis.Users, myID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.db.Update(ctx, imis.Users, me.ID, me.Version, me.Values, userRows([]imis.ID{hfAdmin, scheme}, e.tr.d1))
	refusedOn(t, "a role given to oneself", err, "roles.1.role_id", "error.role_rights_not_held")
	cur, err := e.db.FindByID(e.ctx, imis.Users, given.ID)
	if err != nil || cur.Version != given.Version || len(cur.Children["roles"]) != 2 {
		t.Fatalf("refused edit changed the user: %+v %v", cur, err)
	}

	// Taking over an account that holds more, by setting its password, is giving oneself its rights.
	stronger := mustCreate(t, e.ctx, e.db, imis.Users, map[string]string{"login": "schemeadmin", "last_name": "S", "other_names": "A"},
		userRows([]imis.ID{scheme}, e.tr.d1))
	v := userValues("schemeadmin")
	v["password_hash"] = "taken-over"
	_, err = e.db.Update(ctx, imis.Users, stronger.ID, stronger.Version, v, stronger.Children)
	refusedOn(t, "the password of a stronger user", err, "roles.0.role_id", "error.role_rights_not_held")

	// The administrator is not limited.
	if _, err := e.db.Create(e.ctx, imis.Users, userValues("byadmin"), userRows([]imis.ID{scheme}, e.tr.d2)); err != nil {
		t.Errorf("the administrator giving any role and district: %v", err)
	}
}

// TestLinkedLoginRoleFollowsItsRegister: an officer's login gets the enrolment officer role from
// the right to add officers, although the officer's editor does not hold that role's rights.
func TestLinkedLoginRoleFollowsItsRegister(t *testing.T) {
	e := newGrantEnv(t)
	ctx := e.actAs(t, "schemeadmin", e.role(t, "Scheme Administrator"))
	v, p := imis.Officers.Parse(map[string]string{"code": "EO9", "last_name": "Officer", "other_names": "Nine",
		"location_id": e.tr.d1.String(), "has_login": "true"}, true)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	v["password_hash"] = "officer-hash"
	if _, err := e.db.Create(ctx, imis.Officers, v, map[string][]imis.Values{"villages": {{"location_id": e.tr.v1}}}); err != nil {
		t.Fatalf("officer with a login: %v", err)
	}
	id, err := e.db.UserIDByLogin(e.ctx, "EO9")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := e.db.LoadUser(e.ctx, id); err != nil || len(u.Roles) != 1 || u.Roles[0].SystemCode != imis.SystemRoleEnrolmentOfficer {
		t.Errorf("officer login: %+v %v", u, err)
	}
}

// TestLinkedLoginNeverTakesOverAnotherAccount: an officer whose code is another user's login is
// refused, and that user keeps its roles and password; the officer's own login is refreshed.
func TestLinkedLoginNeverTakesOverAnotherAccount(t *testing.T) {
	e := newGrantEnv(t)
	scheme := e.role(t, "Scheme Administrator")
	victim := mustCreate(t, e.ctx, e.db, imis.Users, map[string]string{"login": "EO7", "last_name": "Scheme", "other_names": "Admin"},
		userRows([]imis.ID{scheme}, e.tr.d1))
	ctx := e.actAs(t, "officers", scheme)
	officer := func(hash string) (imis.Values, map[string][]imis.Values) {
		v, p := imis.Officers.Parse(map[string]string{"code": "EO7", "last_name": "Officer", "other_names": "Seven",
			"location_id": e.tr.d1.String(), "has_login": "true"}, true)
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
		v["password_hash"] = hash
		return v, map[string][]imis.Values{"villages": {{"location_id": e.tr.v1}}}
	}
	v, children := officer("officer-hash")
	_, err := e.db.Create(ctx, imis.Officers, v, children)
	refusedOn(t, "an officer named like another user's login", err, "code", "error.login_taken")
	if u, err := e.db.LoadUser(e.ctx, victim.ID); err != nil || len(u.Roles) != 1 || u.Roles[0].ID != scheme {
		t.Errorf("the other user's roles after the refusal: %+v %v", u, err)
	}

	// Once that login is gone, the officer gets it, and a later save refreshes the same account.
	if err := e.db.Delete(e.ctx, imis.Users, victim.ID, victim.Version); err != nil {
		t.Fatal(err)
	}
	rec, err := e.db.Create(ctx, imis.Officers, v, children)
	if err != nil {
		t.Fatalf("officer with a free login: %v", err)
	}
	first, err := e.db.UserIDByLogin(e.ctx, "EO7")
	if err != nil {
		t.Fatal(err)
	}
	v, _ = officer("new-hash")
	if _, err := e.db.Update(ctx, imis.Officers, rec.ID, rec.Version, v, children); err != nil {
		t.Fatalf("saving the officer again: %v", err)
	}
	if again, err := e.db.UserIDByLogin(e.ctx, "EO7"); err != nil || again != first {
		t.Errorf("the officer's login after a second save: %v %v, want %v", again, err, first)
	}
}

// TestRoleGrantLimitedToEditorsRights: a role editor who is not an administrator adds to a role,
// or brings back into force by unblocking it, only rights they hold; what a role already carries
// may stay.
func TestRoleGrantLimitedToEditorsRights(t *testing.T) {
	e := newGrantEnv(t)
	keeper := e.customRole(t, "Role keeper", false, imis.RightRoleSearch, imis.RightRoleAdd, imis.RightRoleEdit, imis.RightHFSearch)
	ctx := e.actAs(t, "keeper", keeper.ID)
	rights := func(rs ...imis.Right) map[string][]imis.Values {
		rows := []imis.Values{}
		for _, r := range rs {
			rows = append(rows, imis.Values{"right_id": int64(r)})
		}
		return map[string][]imis.Values{"rights": rows}
	}

	_, err := e.db.Create(ctx, imis.Roles, imis.Values{"name": "Item editor", "blocked": false}, rights(imis.RightHFSearch, imis.RightItemEdit))
	refusedOn(t, "a new role with a right not held", err, "rights.1.right_id", "error.right_not_held")
	viewer, err := e.db.Create(ctx, imis.Roles, imis.Values{"name": "Facility viewer", "blocked": false}, rights(imis.RightHFSearch))
	if err != nil {
		t.Fatalf("a new role with a right held: %v", err)
	}
	_, err = e.db.Update(ctx, imis.Roles, viewer.ID, viewer.Version, imis.Values{"name": "Facility viewer", "blocked": false},
		rights(imis.RightHFSearch, imis.RightItemAdd))
	refusedOn(t, "a right added on edit", err, "rights.1.right_id", "error.right_not_held")
	_, err = e.db.Update(ctx, imis.Roles, keeper.ID, keeper.Version, imis.Values{"name": "Role keeper", "blocked": false},
		rights(imis.RightRoleSearch, imis.RightRoleAdd, imis.RightRoleEdit, imis.RightHFSearch, imis.RightItemDelete))
	refusedOn(t, "a right added to one's own role", err, "rights.4.right_id", "error.right_not_held")

	items := e.customRole(t, "Items", false, imis.RightItemSearch, imis.RightItemEdit)
	renamed, err := e.db.Update(ctx, imis.Roles, items.ID, items.Version, imis.Values{"name": "Item keepers", "blocked": true}, nil)
	if err != nil {
		t.Fatalf("renaming and blocking a role whose rights stay: %v", err)
	}
	_, err = e.db.Update(ctx, imis.Roles, items.ID, renamed.Version, imis.Values{"name": "Item keepers", "blocked": false}, nil)
	refusedOn(t, "unblocking a role with rights not held", err, "blocked", "error.role_rights_not_held")
	if cur, err := e.db.FindByID(e.ctx, imis.Roles, items.ID); err != nil || cur.Values["blocked"] != true || cur.Version != renamed.Version {
		t.Fatalf("refused unblock changed the role: %+v %v", cur, err)
	}
	if _, err := e.db.Create(e.ctx, imis.Roles, imis.Values{"name": "Anything", "blocked": false}, rights(imis.RightItemDelete)); err != nil {
		t.Errorf("the administrator adding any right: %v", err)
	}
}
