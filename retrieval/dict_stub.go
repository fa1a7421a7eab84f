package retrieval

// Dictionary is a placeholder until the Ding loader lands.
type Dictionary struct{}

// ToGerman placeholder.
func (d *Dictionary) ToGerman(string) []string { return nil }

// ToEnglish placeholder.
func (d *Dictionary) ToEnglish(string) []string { return nil }
