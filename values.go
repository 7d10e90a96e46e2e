package imis

// Typed reads of a record's values. A missing key, or a value of another kind, reads as the
// kind's zero, as an empty field does.

// ID returns the reference held under key, NilID when there is none.
func (v Values) ID(key string) ID { id, _ := v[key].(ID); return id }

// Text returns the text held under key, "" when there is none.
func (v Values) Text(key string) string { s, _ := v[key].(string); return s }

// Date returns the date held under key, the zero date when there is none.
func (v Values) Date(key string) Date { d, _ := v[key].(Date); return d }

// Int returns the whole number held under key (a decimal's integer units), 0 when there is none.
func (v Values) Int(key string) int64 { n, _ := v[key].(int64); return n }

// Money returns the amount held under key, 0 when there is none: money fields hold hundredths.
func (v Values) Money(key string) Money { return Money(v.Int(key)) }

// Bool returns the yes / no held under key, false when there is none.
func (v Values) Bool(key string) bool { b, _ := v[key].(bool); return b }
