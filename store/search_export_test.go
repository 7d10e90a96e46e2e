package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/openimis-go/openimis"
)

// SearchWords returns the words a search text is indexed and searched by.
var SearchWords = searchWords

// SearchWordsDrift returns how search_words differs from the words of the current records'
// search texts, one line per word missing ("-") or left over ("+"); none when they agree.
func SearchWordsDrift(ctx context.Context, db *DB) ([]string, error) {
	want := map[string]bool{}
	for _, reg := range imis.AllRegisters {
		rows, err := db.read.QueryContext(ctx, "SELECT id, search_text FROM "+reg.Table+" WHERE validity_to IS NULL")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id imis.ID
			var text string
			if err := rows.Scan(&id, &text); err != nil {
				rows.Close()
				return nil, err
			}
			for _, w := range searchWords(text) {
				want[fmt.Sprintf("%s %q %s", reg.Table, w, id)] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	rows, err := db.read.QueryContext(ctx, "SELECT reg_table, word, record_id FROM search_words")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var drift []string
	for rows.Next() {
		var table, word string
		var id imis.ID
		if err := rows.Scan(&table, &word, &id); err != nil {
			return nil, err
		}
		key := fmt.Sprintf("%s %q %s", table, word, id)
		if !want[key] {
			drift = append(drift, "+ "+key)
		}
		delete(want, key)
	}
	for key := range want {
		drift = append(drift, "- "+key)
	}
	slices.Sort(drift)
	return drift, rows.Err()
}

// RefillSearchWords empties search_words and fills it again as migration 00008 does.
func RefillSearchWords(ctx context.Context, db *DB) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM search_words"); err != nil {
		return err
	}
	if err := fillSearchWords(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
