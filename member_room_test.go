package imis

import "testing"

func TestNewMemberRoom(t *testing.T) {
	for _, tc := range []struct {
		name                                 string
		status, maxMembers, threshold, count int64
		want                                 RoomWarning
	}{
		{"room below the maximum and the threshold", PolicyActive, 5, 4, 3, RoomNone},
		{"the maximum reached: full", PolicyActive, 5, 4, 5, RoomFull},
		{"beyond the maximum: full", PolicyIdle, 5, 0, 6, RoomFull},
		{"one below the maximum, threshold reached", PolicyActive, 5, 4, 4, RoomThreshold},
		{"one below the threshold", PolicyReady, 0, 4, 3, RoomNone},
		{"full outweighs the threshold", PolicyActive, 3, 2, 3, RoomFull},
		{"no maximum, no threshold", PolicyActive, 0, 0, 50, RoomNone},
		{"an expired policy says nothing", PolicyExpired, 5, 4, 9, RoomNone},
		{"a suspended policy says nothing", PolicySuspended, 5, 4, 9, RoomNone},
	} {
		if got := NewMemberRoom(tc.status, tc.maxMembers, tc.threshold, tc.count); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
