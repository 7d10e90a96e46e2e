package restv3

import "github.com/openimis-go/openimis"

// The result codes the Policies app reads from an upload's answer, and the one place each store
// refusal becomes one of them.

// Enrolment answers (upstream uspConsumeEnrollments).
const (
	enrolAccepted         = 0
	enrolNoHead           = -1   // the family has no head among its insurees
	enrolHeadTaken        = -2   // the head's insurance number already belongs to another family
	enrolDuplicateNumber  = -3   // an insurance number is already someone else's
	enrolDuplicateReceipt = -4   // a receipt number is already used for the product
	enrolDoubleHead       = -5   // the upload would give a family two heads
	enrolInterrupted      = -6   // anything unexpected: nothing was written
	enrolBadInput         = -400 // recorded for a body refused as bad input (the app's code for a failed upload)
)

// enrolCode is the answer to an enrolment upload that failed with err: the refusal's code, or
// enrolInterrupted for anything unexpected.
func enrolCode(err error) int {
	switch imis.ReasonOf(err) {
	case imis.ReasonNoHead:
		return enrolNoHead
	case imis.ReasonHeadTaken:
		return enrolHeadTaken
	case imis.ReasonNumberTaken, imis.ReasonDuplicate, imis.ReasonPolicyDuplicate:
		// A unique index fired by a concurrent upload of the same records.
		return enrolDuplicateNumber
	case imis.ReasonReceiptUsed:
		return enrolDuplicateReceipt
	case imis.ReasonTwoHeads:
		return enrolDoubleHead
	}
	return enrolInterrupted
}

// Renewal answers (upstream Errors.Renewal), which the app shows per renewal file.
const (
	renewalAccepted          = 3001
	renewalAlreadyAccepted   = 3002
	renewalRejected          = 3003
	renewalDuplicateReceipt  = 3004
	renewalGracePeriodOver   = 3005
	renewalNumberNotFound    = 3007
	renewalAlreadyRequested  = 3008
	renewalNoPreviousPolicy  = 3009
	renewalUnexpectedFailure = 3999
)

// renewalCode is the answer to a renewal upload that ended with err (nil: accepted).
func renewalCode(err error) int {
	if err == nil {
		return renewalAccepted
	}
	switch imis.ReasonOf(err) {
	case imis.ReasonAlreadyDone:
		return renewalAlreadyAccepted
	case imis.ReasonRenewalDeclined, imis.ReasonNotRenewable, imis.ReasonRenewalProduct:
		// The app's codes name no wrong product; Rejected is the one for a renewal refused as asked.
		return renewalRejected
	case imis.ReasonReceiptUsed:
		return renewalDuplicateReceipt
	case imis.ReasonLateRenewal:
		return renewalGracePeriodOver
	case imis.ReasonNumberAbsent:
		return renewalNumberNotFound
	case imis.ReasonAlreadyRenewed, imis.ReasonPolicyDuplicate:
		return renewalAlreadyRequested
	case imis.ReasonNoPreviousPolicy:
		return renewalNoPreviousPolicy
	}
	return renewalUnexpectedFailure
}
