package refdata

import (
	"strings"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// FrameworkLevel is a level of a national framework that qualifications of
// a kind without a reference list of its own take (a language
// certificate's BAC_3), with its Vietnamese name.
type FrameworkLevel struct {
	Kind   pb.Qualification_Kind
	Code   string
	NameVi string
}

// Label is the level as lists show it, its kind after its name, so that
// one framework's level is not read as another's or as a degree's
// ("Sơ cấp (lý luận chính trị)" is not "Sơ cấp I"): "Bậc 3 (ngoại ngữ)".
func (l FrameworkLevel) Label() string {
	return l.NameVi + " (" + strings.ToLower(labels.Of(l.Kind)) + ")"
}

// FrameworkLevels are the frameworks' levels, by kind: the one list the
// store checks a qualification's level against, and the console's form,
// the import template's drop-down and the exports name them from.
var FrameworkLevels = []FrameworkLevel{
	{pb.Qualification_POLITICAL_THEORY, "SO_CAP", "Sơ cấp"},
	{pb.Qualification_POLITICAL_THEORY, "TRUNG_CAP", "Trung cấp"},
	{pb.Qualification_POLITICAL_THEORY, "CAO_CAP", "Cao cấp"},
	{pb.Qualification_POLITICAL_THEORY, "CU_NHAN", "Cử nhân"},
	{pb.Qualification_STATE_MANAGEMENT, "CHUYEN_VIEN", "Chuyên viên"},
	{pb.Qualification_STATE_MANAGEMENT, "CHUYEN_VIEN_CHINH", "Chuyên viên chính"},
	{pb.Qualification_STATE_MANAGEMENT, "CHUYEN_VIEN_CAO_CAP", "Chuyên viên cao cấp"},
	{pb.Qualification_FOREIGN_LANGUAGE, "BAC_1", "Bậc 1"},
	{pb.Qualification_FOREIGN_LANGUAGE, "BAC_2", "Bậc 2"},
	{pb.Qualification_FOREIGN_LANGUAGE, "BAC_3", "Bậc 3"},
	{pb.Qualification_FOREIGN_LANGUAGE, "BAC_4", "Bậc 4"},
	{pb.Qualification_FOREIGN_LANGUAGE, "BAC_5", "Bậc 5"},
	{pb.Qualification_FOREIGN_LANGUAGE, "BAC_6", "Bậc 6"},
	{pb.Qualification_FOREIGN_LANGUAGE, "A1", "A1"},
	{pb.Qualification_FOREIGN_LANGUAGE, "A2", "A2"},
	{pb.Qualification_FOREIGN_LANGUAGE, "B1", "B1"},
	{pb.Qualification_FOREIGN_LANGUAGE, "B2", "B2"},
	{pb.Qualification_FOREIGN_LANGUAGE, "C1", "C1"},
	{pb.Qualification_FOREIGN_LANGUAGE, "C2", "C2"},
	{pb.Qualification_IT_SKILL, "CO_BAN", "Cơ bản"},
	{pb.Qualification_IT_SKILL, "NANG_CAO", "Nâng cao"},
}
