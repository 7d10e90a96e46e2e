package ui

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
)

// The scheme's insurance number rule (imis.InsuranceNumberRule) decides on the server when a form
// is sent. Wherever a number is typed, the field also states the rule as its hint, and
// static/chfid.js checks the typing against the same rule with the server's own messages, so that
// a mistyped number is flagged before it is sent.

// numberRuleView is what an insurance number field shows of the scheme's rule.
type numberRuleView struct {
	Hint  string
	Rule  string // "length modulo", as the script reads it
	Texts string // the messages of the script's findings, as JSON
}

// numberRuleView returns the rule's hint and check for the page, nil when the scheme checks nothing
// or its rule cannot be read (the server still checks what is sent).
func (s *server) numberRuleView(ctx context.Context, p *page) *numberRuleView {
	rule, err := s.DB.NumberRule(ctx)
	if err != nil {
		s.Log.Warn("insurance number rule", "err", err)
		return nil
	}
	key, args := rule.Hint()
	if key == "" {
		return nil
	}
	texts, _ := json.Marshal(map[string]string{"length": p.T("error.chfid_length"), "digits": p.T("error.chfid_digits"),
		"checksum": p.T("error.chfid_checksum")})
	return &numberRuleView{Hint: p.T(key, args...), Rule: strconv.Itoa(rule.Length) + " " + strconv.Itoa(rule.Modulo), Texts: string(texts)}
}

// on makes ff an insurance number field whose hint states the rule, after any hint it had; a nil
// rule leaves ff as it is.
func (n *numberRuleView) on(ff formField) formField {
	if n != nil {
		ff.Number = n
		ff.Hint = strings.TrimSpace(ff.Hint + " " + n.Hint)
	}
	return ff
}
