package synth

// SearchQueries are names as staff type them into a search, without
// diacritics, drawn from the names the generator gives: common ones
// (Nguyễn Thị Thanh Tâm) and rarer ones (a Khmer name). The benchmark
// harness and the store's benchmarks search for these.
var SearchQueries = []string{
	"nguyen thi thanh tam",
	"tran quoc bao",
	"thach sa ruol",
	"le hoang long",
	"huynh thi ngoc han",
	"pham minh khoa",
}
