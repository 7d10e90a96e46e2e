package store

import (
	"reflect"
	"testing"

	"github.com/openimis-go/openimis"
)

// TestUploadResultReplaysEarlierRows reads an accepted upload's result as earlier versions stored
// it (lower-case keys, the answer code beside it) and as it is stored now, to the same result.
func TestUploadResultReplaysEarlierRows(t *testing.T) {
	id := imis.NewID()
	earlier := `{"code":0,"families":[{"client":7,"wire":41,"id":"` + id.String() + `","insurees":[{"client":8,"wire":90,"id":"` + id.String() +
		`"}],"policies":[{"client":9,"wire":12,"id":"` + id.String() + `","premiums":[{"client":10,"wire":13,"id":"` + id.String() + `"}]}]}],"warnings":["w"]}`
	want := &UploadResult{Warnings: []string{"w"}, Families: []SavedFamily{{
		SavedRecord: SavedRecord{ClientID: 7, WireID: 41, ID: id},
		Insurees:    []SavedRecord{{ClientID: 8, WireID: 90, ID: id}},
		Policies:    []SavedPolicy{{SavedRecord: SavedRecord{ClientID: 9, WireID: 12, ID: id}, Contributions: []SavedRecord{{ClientID: 10, WireID: 13, ID: id}}}},
	}}}
	now, err := encodeUploadResult(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, stored := range []string{earlier, now} {
		got, err := decodeUploadResult(stored)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s read as %+v", stored, got)
		}
	}
}
