package labels

import "fmt"

// ProtectsMark stands for a count withheld so that a small one cannot be
// worked out from it; it may be of any size.
const ProtectsMark = "ẩn"

// BelowMark stands for a count from 1 to threshold-1: "<5".
func BelowMark(threshold int32) string { return fmt.Sprintf("<%d", threshold) }

// SuppressionLegend says what the two marks of a suppressed count mean,
// as the files and the CLI write them under a table: below of BelowMark,
// protects of ProtectsMark, then scope, what suppression does not do.
// It says what was done and no more: small counts and the counts that
// would give them away by subtraction are hidden; that is no promise that
// no one can be recognised by other means (other sources, knowing who is
// in a group), so the words make none. The console's pages, the report's
// files, the statistics' files and `trithuc stats` all take them from
// here.
func SuppressionLegend(threshold int32) (below, protects, scope string) {
	b := BelowMark(threshold)
	below = fmt.Sprintf("Ghi chú: %s là từ 1 đến %d người, dưới ngưỡng công bố (%d người), nên không công bố số cụ thể;",
		b, threshold-1, threshold)
	protects = fmt.Sprintf("%s là số không công bố để không suy ra được một số %s từ các số khác bằng phép trừ, "+
		"có thể là số bất kỳ (kể cả số lớn hoặc 0).", ProtectsMark, b)
	return below, protects, SuppressionScope
}

// SuppressionScope says what hiding counts does not do.
const SuppressionScope = "Việc ẩn số chỉ che các số nhỏ và các số làm lộ chúng; " +
	"không bảo đảm rằng không ai có thể bị nhận ra khi đối chiếu với nguồn thông tin khác."

// SuppressionHint is the legend of the console's pages, where a hidden
// count of either kind reads "ẩn*".
func SuppressionHint(threshold int32) string {
	return fmt.Sprintf("* Ô “%s”: số từ 1 đến %d người, dưới ngưỡng công bố (%d người), không công bố số cụ thể; "+
		"hoặc số bị ẩn để không suy ra được một số như vậy từ các số khác bằng phép trừ (có thể là số bất kỳ). %s",
		ProtectsMark, threshold-1, threshold, SuppressionScope)
}
