package i18n

import (
	"strings"
	"testing"
)

// FuzzMatch feeds any Accept-Language header to Match: it never panics, always names a language
// the catalogue has, and honours a header that asks for a supported language alone.
func FuzzMatch(f *testing.F) {
	c, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"", "en", "fr-FR,fr;q=0.9,en;q=0.8", "sw", "*", "en-GB;q=0.5, de", "x-klingon", "en;q=0", "zz-ZZ-u-co-phonebk",
		";;;", "en;q=abc", strings.Repeat("en-", 100), "und", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		lang := c.Match(header)
		if _, ok := c.messages[lang]; !ok {
			t.Fatalf("Match(%q) = %q, which has no catalogue", header, lang)
		}
		if _, ok := c.messages[strings.TrimSpace(header)]; ok && lang != strings.TrimSpace(header) {
			t.Fatalf("Match(%q) = %q", header, lang)
		}
		// A header that is no catalogue key must come back unchanged: a missing message stays visible.
		if _, ok := c.messages[Default][header]; !ok && c.T(lang, header) != header {
			t.Fatalf("T(%q, %q) = %q", lang, header, c.T(lang, header))
		}
	})
}
