package names

// OtherPrincipal stands, in what a caller limited to an association or a
// unit reads, for a principal (key:ID, user:EMAIL, cert:SUBJECT) outside
// its own scope: who wrote a revision, recorded a consent or verified a
// qualification there is another organization's to name (README,
// "Who did it").
const OtherPrincipal = "another organization's account"
