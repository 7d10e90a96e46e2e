package imis

// EnquiryCategories are the claim categories whose claims left and amount ceilings an enquiry
// reports, in the order it lists them.
var EnquiryCategories = []string{CategoryHospitalization, CategoryVisit, CategoryConsultation,
	CategorySurgery, CategoryDelivery, CategoryAntenatal}
