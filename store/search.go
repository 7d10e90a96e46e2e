package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openimis-go/openimis"
	"golang.org/x/text/unicode/norm"
)

// A register's free-text search finds the records with a word beginning with each word typed:
// "jo" finds "John Doe" and "Mary Jones". The words of every current record's search text are
// kept in search_words (migration 00008), so each typed word is a range of that table's key and
// a search costs what it finds, not the size of the register. The words are written in the
// transaction that writes the record, and a record's history versions have none.

// maxSearchWords bounds how many typed words a search compares; more do not narrow a list of
// names further, and each costs a look-up.
const maxSearchWords = 8

// searchWordColumns are the columns of a row of search_words.
var searchWordColumns = []string{"reg_table", "word", "record_id"}

// searchWords returns the distinct words of text as searches compare them: lower case, without
// the accents of Latin, Greek and Cyrillic letters, split at spaces and punctuation. Other
// characters, such as the U+FFFD that stands for what could not be read, stay in their word.
func searchWords(text string) []string {
	text = foldText(text)
	var out []string
	for word := range strings.FieldsFuncSeq(text, isWordBreak) {
		if !slices.Contains(out, word) {
			out = append(out, word)
		}
	}
	return out
}

func isWordBreak(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsControl(r)
}

// foldText lower-cases text and takes the accents off its letters. Accents are the combining
// marks of U+0300–U+036F that a letter decomposes into; marks of other scripts, such as
// Devanagari's vowel signs, are part of the letter and stay.
func foldText(text string) string {
	text = strings.ToLower(text)
	if isASCII(text) {
		return text
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(text) {
		if r < 0x300 || r > 0x36F {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// typedWords returns the words of a search that must each begin a word of the record, without
// those that begin another of them, which the longer one already requires.
func typedWords(text string) []string {
	words := searchWords(text)
	var out []string
	for _, w := range words {
		implied := slices.ContainsFunc(words, func(o string) bool { return o != w && strings.HasPrefix(o, w) })
		if !implied && len(out) < maxSearchWords {
			out = append(out, w)
		}
	}
	return out
}

// textPredicate returns the condition that the record t of reg has a word beginning with each
// word of text. The words of one typed word are a range of search_words' key; several typed
// words intersect their ranges' records. A text with no word finds nothing.
//
// The words are written into the statement as literals rather than passed as parameters, so that
// PostgreSQL plans every search for its own words. Once a statement has run a few times it may
// otherwise keep one plan for any words, made for a guessed share of the register, which reads
// the whole register where a rare name needs a handful of look-ups.
func textPredicate(reg *imis.Register, text string) string {
	words := typedWords(text)
	if len(words) == 0 {
		return "1 = 0"
	}
	ranges := make([]string, len(words))
	for i, w := range words {
		ranges[i] = "SELECT sw.record_id FROM search_words sw WHERE sw.reg_table = " + sqlString(reg.Table) + " AND sw.word >= " + sqlString(w) +
			" AND sw.word < " + sqlString(prefixEnd(w))
	}
	return "t.id IN (" + strings.Join(ranges, " INTERSECT ") + ")"
}

// sqlString writes s as an SQL string literal, which both engines read alike: quotes doubled,
// no other escapes. A word holds no NUL, which neither engine takes in a statement's text:
// control characters split words.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// searchWord is one row of search_words.
type searchWord struct {
	table, word string
	id          any // the record's imis.ID, or its text in a bulk run
}

// reindexWords brings the words of the current record id of reg from those of its search text
// before to those of after; an empty text has no words, so a new record passes "" as before and
// a deleted one "" as after.
func (tx *Tx) reindexWords(ctx context.Context, reg *imis.Register, id imis.ID, before, after string) error {
	if before == after {
		return nil
	}
	old, cur := searchWords(before), searchWords(after)
	var gone []any
	for _, w := range old {
		if !slices.Contains(cur, w) {
			gone = append(gone, w)
		}
	}
	if len(gone) > 0 {
		var q query
		q.WriteString("DELETE FROM search_words WHERE reg_table = " + q.arg(reg.Table) + " AND record_id = " + q.arg(id) + " AND word IN " + q.in(gone))
		if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
			return err
		}
	}
	var added []searchWord
	for _, w := range cur {
		if !slices.Contains(old, w) {
			added = append(added, searchWord{reg.Table, w, id})
		}
	}
	return insertSearchWords(ctx, tx, added)
}

// searchWordsPerInsert bounds the rows of one INSERT of words. SQLite looks each numbered
// parameter up among the statement's others, so a statement's cost grows with the square of its
// parameters: a hundred or two keep it cheap.
const searchWordsPerInsert = 50

// insertSearchWords adds rows to search_words.
func insertSearchWords(ctx context.Context, ex interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}, words []searchWord) error {
	for chunk := range slices.Chunk(words, searchWordsPerInsert) {
		var q query
		values := make([]string, len(chunk))
		for i, w := range chunk {
			values[i] = q.in([]any{w.table, w.word, w.id})
		}
		q.WriteString("INSERT INTO search_words (" + strings.Join(searchWordColumns, ", ") + ") VALUES " + strings.Join(values, ", "))
		if _, err := ex.ExecContext(ctx, q.String(), q.args...); err != nil {
			return err
		}
	}
	return nil
}

// searchWordsHeld is how many words a bulk run or the migration holds before writing them. The
// words of many records are written together, in the order of the index, so that the index
// fills page by page: written record by record they land all over it, and on SQLite the demo's
// million words then took a minute instead of seconds.
const searchWordsHeld = 1 << 20

// sortSearchWords puts words in the order of search_words' key.
func sortSearchWords(words []searchWord) {
	slices.SortFunc(words, func(a, b searchWord) int {
		return cmp.Or(strings.Compare(a.table, b.table), strings.Compare(a.word, b.word))
	})
}

// searchTables are the tables of the registers, whose current rows have words.
var searchTables = func() map[string]bool {
	out := map[string]bool{}
	for _, reg := range imis.AllRegisters {
		out[reg.Table] = true
	}
	return out
}()

// holdSearchWords keeps the words of row, just buffered for table, when table is a register's
// and row a current record with its search text, so that a bulk run leaves its records as
// searchable as records saved one by one.
func (l *Loader) holdSearchWords(table string, columns []string, row []any) error {
	if !searchTables[table] {
		return nil
	}
	id, text, closed := slices.Index(columns, "id"), slices.Index(columns, "search_text"), slices.Index(columns, "validity_to")
	if id < 0 || text < 0 || (closed >= 0 && row[closed] != nil) {
		return nil
	}
	s, _ := row[text].(string)
	for _, w := range searchWords(s) {
		l.words = append(l.words, searchWord{table, w, row[id]})
	}
	if len(l.words) >= searchWordsHeld {
		return l.writeSearchWords()
	}
	return nil
}

// writeSearchWords buffers the words held, in index order, into search_words' table of the run.
// They are not counted: the run's caller did not add them.
func (l *Loader) writeSearchWords() error {
	sortSearchWords(l.words)
	for _, w := range l.words {
		if _, err := l.buffer("search_words", searchWordColumns, []any{w.table, w.word, w.id}); err != nil {
			return err
		}
	}
	l.words = l.words[:0]
	return nil
}

// searchWordsBatch is how many records the migration that adds search_words reads at once.
const searchWordsBatch = 5000

// fillSearchWords gives the current records of every register their words, in the transaction of
// migration 00008. The words are made here rather than in SQL, whose lower() differs between
// the engines outside ASCII and which cannot take accents off.
func fillSearchWords(ctx context.Context, tx *sql.Tx) error {
	var words []searchWord
	write := func() error {
		sortSearchWords(words)
		err := insertSearchWords(ctx, tx, words)
		words = words[:0]
		return err
	}
	for _, reg := range imis.AllRegisters {
		after := imis.NilID
		for n := searchWordsBatch; n == searchWordsBatch; {
			rows, err := tx.QueryContext(ctx, "SELECT id, search_text FROM "+reg.Table+" WHERE validity_to IS NULL AND id > $1 ORDER BY id LIMIT $2",
				after, searchWordsBatch)
			if err != nil {
				return err
			}
			n = 0
			for rows.Next() {
				var text string
				if err := rows.Scan(&after, &text); err != nil {
					rows.Close()
					return err
				}
				n++
				for _, w := range searchWords(text) {
					words = append(words, searchWord{reg.Table, w, after})
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(words) >= searchWordsHeld {
				if err := write(); err != nil {
					return err
				}
			}
		}
	}
	return write()
}
