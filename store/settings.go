package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
)

// MobileAppRules are the scheme's rules for the mobile enrolment app (openIMIS's
// tblIMISDefaultsPhone flags), each kept as the setting MobileAppRulePrefix + name. Unset means
// false, which makes the app ask for a photo, a policy and a contribution with every enrolment,
// and hides its payment option.
var MobileAppRules = []string{"AllowInsureeWithoutPhoto", "AllowFamilyWithoutPolicy", "AllowPolicyWithoutPremium", "ShowPaymentOption"}

// MobileAppRulePrefix starts the keys of the settings that hold MobileAppRules.
const MobileAppRulePrefix = "phone."

// SchemeSettings are the settings an administrator edits on one page.
type SchemeSettings struct {
	NumberRule       imis.InsuranceNumberRule
	ActivationOption int
	MobileAppRules   map[string]bool // by the names of MobileAppRules
}

// SchemeSettings reads the scheme's settings.
func (db *DB) SchemeSettings(ctx context.Context) (SchemeSettings, error) {
	return schemeSettings(ctx, db.read)
}

func schemeSettings(ctx context.Context, q queryer) (SchemeSettings, error) {
	var s SchemeSettings
	var err error
	if s.NumberRule, err = numberRule(ctx, q); err != nil {
		return s, mapError(err)
	}
	if s.ActivationOption, err = activationOption(ctx, q); err != nil {
		return s, err
	}
	s.MobileAppRules, err = mobileAppRules(ctx, q)
	return s, err
}

// mobileAppRules reads the rules of the mobile app by name: "true", "1", "yes" mean true;
// anything else, or no setting, false.
func mobileAppRules(ctx context.Context, q queryer) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT key, value FROM settings WHERE key LIKE $1", MobileAppRulePrefix+"%")
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	set := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, mapError(err)
		}
		set[strings.TrimPrefix(k, MobileAppRulePrefix)] = v
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	out := map[string]bool{}
	for _, name := range MobileAppRules {
		v := strings.ToLower(strings.TrimSpace(set[name]))
		out[name] = v == "true" || v == "1" || v == "yes"
	}
	return out, nil
}

// SetSchemeSettings checks every setting, then writes them all in one transaction with one audit
// record of the values before and after, so that a refused value changes nothing. A new number
// rule applies to numbers entered from then on; stored numbers are re-checked only when changed.
func (db *DB) SetSchemeSettings(ctx context.Context, s SchemeSettings) error {
	p := imis.Problems{}
	checkNumberRule(p, s.NumberRule)
	checkActivationOption(p, s.ActivationOption)
	if err := p.Err(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		old, err := schemeSettings(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.putNumberRule(ctx, s.NumberRule); err != nil {
			return err
		}
		if err := tx.putSetting(ctx, settingActivationOption, strconv.Itoa(s.ActivationOption)); err != nil {
			return err
		}
		for _, name := range MobileAppRules {
			if err := tx.putSetting(ctx, MobileAppRulePrefix+name, strconv.FormatBool(s.MobileAppRules[name])); err != nil {
				return err
			}
		}
		return tx.auditRaw(ctx, "update", "settings", nil, old.audited(), s.audited())
	})
}

// audited is the settings as their audit record shows them, by setting key.
func (s SchemeSettings) audited() map[string]any {
	out := map[string]any{settingCHFIDLength: s.NumberRule.Length, settingCHFIDModulo: s.NumberRule.Modulo,
		settingActivationOption: s.ActivationOption}
	for _, name := range MobileAppRules {
		out[MobileAppRulePrefix+name] = s.MobileAppRules[name]
	}
	return out
}

// putSetting writes one setting, adding or replacing it.
func (tx *Tx) putSetting(ctx context.Context, key, value string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return err
}
