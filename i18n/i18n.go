// Package i18n translates the user interface: every string a user sees is a key looked up in the
// catalogue of the user's language, so that adding French needs a file, not a code change.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"

	"golang.org/x/text/language"
)

// Each language is a directory of JSON files (locales/<lang>/<area>.json, flat key -> message),
// one file per business area, merged at load; a key defined twice is an error.
//
//go:embed locales
var files embed.FS

// Catalog holds the messages of every language.
type Catalog struct {
	messages map[string]map[string]string
	tags     []language.Tag
	matcher  language.Matcher
}

// Default is the language used when a key or language is missing.
const Default = "en"

// Load reads the embedded catalogues.
func Load() (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]string{}}
	langs, err := files.ReadDir("locales")
	if err != nil {
		return nil, err
	}
	c.tags = []language.Tag{language.Make(Default)}
	for _, l := range langs {
		lang := l.Name()
		parts, err := files.ReadDir(path.Join("locales", lang))
		if err != nil {
			return nil, err
		}
		all := map[string]string{}
		for _, p := range parts {
			b, err := files.ReadFile(path.Join("locales", lang, p.Name()))
			if err != nil {
				return nil, err
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s/%s: %w", lang, p.Name(), err)
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", lang, k)
				}
				all[k] = v
			}
		}
		c.messages[lang] = all
		if lang != Default {
			c.tags = append(c.tags, language.Make(lang))
		}
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// T returns the message for key in lang, formatted with args, falling back to the default
// language and finally to the key itself so a missing message is visible but harmless.
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.messages[lang][key]
	if !ok {
		if msg, ok = c.messages[Default][key]; !ok {
			msg = key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the default catalogue defines key.
func (c *Catalog) Has(key string) bool {
	_, ok := c.messages[Default][key]
	return ok
}

// Keys returns the keys of the default catalogue.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.messages[Default]))
	for k := range c.messages[Default] {
		out = append(out, k)
	}
	return out
}

// Match picks the best supported language for an Accept-Language header.
func (c *Catalog) Match(acceptLanguage string) string {
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, _ := c.matcher.Match(tags...)
	base, _ := c.tags[i].Base()
	return base.String()
}
