package store

import "github.com/openimis-go/openimis"

// RecordWireID returns the wire id of record id among its versions: the row that is the record, as
// old versions are kept in rows of their own without one.
func RecordWireID(versions []*Record, id imis.ID) int64 {
	for _, v := range versions {
		if v.ID == id && v.LegacyID == nil {
			return v.WireID
		}
	}
	return 0
}
