package labels

import (
	"cmp"
	"strings"
	"sync"

	_ "cloud.google.com/go/longrunning/autogen/longrunningpb" // Operations' descriptor, for AuditMethods
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"trithuc.gov.vn/trithuc/vntext"
)

// outcomes are the words for how a call ended, by its gRPC status code's
// name, as the audit trail records it: an admin reading the trail reads
// "Không có quyền", not PERMISSION_DENIED.
var outcomes = map[string]string{
	"OK":                  "Thành công",
	"CANCELLED":           "Người gọi đã huỷ",
	"UNKNOWN":             "Lỗi không rõ",
	"INVALID_ARGUMENT":    "Dữ liệu gửi lên sai",
	"DEADLINE_EXCEEDED":   "Quá thời gian chờ",
	"NOT_FOUND":           "Không tìm thấy",
	"ALREADY_EXISTS":      "Đã có",
	"PERMISSION_DENIED":   "Không có quyền",
	"RESOURCE_EXHAUSTED":  "Vượt giới hạn",
	"FAILED_PRECONDITION": "Không làm được lúc này",
	"ABORTED":             "Xung đột, không ghi",
	"OUT_OF_RANGE":        "Ngoài khoảng cho phép",
	"UNIMPLEMENTED":       "Chưa hỗ trợ",
	"INTERNAL":            "Lỗi hệ thống",
	"UNAVAILABLE":         "Máy chủ tạm không phục vụ",
	"DATA_LOSS":           "Mất dữ liệu",
	"UNAUTHENTICATED":     "Chưa đăng nhập hoặc khoá sai",
}

// Outcome is the Vietnamese for how a call ended, given its gRPC status
// code's name; the name itself when it is none of them.
func Outcome(code string) string {
	if w, ok := outcomes[code]; ok {
		return w
	}
	return code
}

// channels are the words for the way a call came, as the audit trail
// records it.
var channels = map[string]string{
	"console": "Giao diện web",
	"grpc":    "API gRPC",
	"rest":    "API REST",
}

// Channel is the Vietnamese for the way a call came (console, grpc or
// rest); the name itself when it is none of them.
func Channel(transport string) string {
	if w, ok := channels[transport]; ok {
		return w
	}
	return transport
}

// methods are the words for the contract's methods, by full method name,
// as the audit trail names them: an admin reads "Xem hồ sơ", and may
// filter by it, rather than /trithuc.v1.PersonService/GetPerson. Every
// method of the services (Methods) has its words (labels_test.go).
var methods = map[string]string{
	"/trithuc.v1.AccountService/GetAccount":     "Xem tài khoản",
	"/trithuc.v1.AccountService/ListAccounts":   "Xem danh sách tài khoản",
	"/trithuc.v1.AccountService/CreateAccount":  "Tạo tài khoản",
	"/trithuc.v1.AccountService/DisableAccount": "Khoá tài khoản",
	"/trithuc.v1.AccountService/ResetAccount":   "Đặt lại mật khẩu tài khoản",
	"/trithuc.v1.AccountService/GetApiKey":      "Xem khoá API",
	"/trithuc.v1.AccountService/ListApiKeys":    "Xem danh sách khoá API",
	"/trithuc.v1.AccountService/CreateApiKey":   "Tạo khoá API",
	"/trithuc.v1.AccountService/RevokeApiKey":   "Thu hồi khoá API",

	"/trithuc.v1.AuditService/ListAuditEvents": "Xem nhật ký truy cập",
	"/trithuc.v1.ChangeService/ListChanges":    "Xem các thay đổi",
	"/trithuc.v1.ChangeService/WatchChanges":   "Theo dõi các thay đổi",

	"/trithuc.v1.ExpertService/CreateExpertPool":            "Tạo nhóm chuyên gia",
	"/trithuc.v1.ExpertService/GetExpertPool":               "Xem nhóm chuyên gia",
	"/trithuc.v1.ExpertService/ListExpertPools":             "Xem danh sách nhóm chuyên gia",
	"/trithuc.v1.ExpertService/UpdateExpertPool":            "Sửa nhóm chuyên gia",
	"/trithuc.v1.ExpertService/DeleteExpertPool":            "Xoá nhóm chuyên gia",
	"/trithuc.v1.ExpertService/CreateExpertPoolMember":      "Thêm chuyên gia vào nhóm",
	"/trithuc.v1.ExpertService/GetExpertPoolMember":         "Xem chuyên gia trong nhóm",
	"/trithuc.v1.ExpertService/ListExpertPoolMembers":       "Xem danh sách chuyên gia trong nhóm",
	"/trithuc.v1.ExpertService/UpdateExpertPoolMember":      "Sửa chuyên gia trong nhóm",
	"/trithuc.v1.ExpertService/DeleteExpertPoolMember":      "Bỏ chuyên gia khỏi nhóm",
	"/trithuc.v1.ExpertService/CreateEngagement":            "Ghi lần mời chuyên gia",
	"/trithuc.v1.ExpertService/GetEngagement":               "Xem lần mời chuyên gia",
	"/trithuc.v1.ExpertService/ListEngagements":             "Xem danh sách lần mời chuyên gia",
	"/trithuc.v1.ExpertService/UpdateEngagement":            "Sửa lần mời chuyên gia",
	"/trithuc.v1.ExpertService/DeleteEngagement":            "Xoá lần mời chuyên gia",
	"/trithuc.v1.ExpertService/SearchExperts":               "Tìm chuyên gia",
	"/trithuc.v1.ExpertService/ComputeEngagementStatistics": "Thống kê lần mời chuyên gia",

	"/trithuc.v1.HonorsService/CreateHonorCampaign": "Tạo đợt tôn vinh",
	"/trithuc.v1.HonorsService/GetHonorCampaign":    "Xem đợt tôn vinh",
	"/trithuc.v1.HonorsService/ListHonorCampaigns":  "Xem danh sách đợt tôn vinh",
	"/trithuc.v1.HonorsService/UpdateHonorCampaign": "Sửa đợt tôn vinh",
	"/trithuc.v1.HonorsService/DeleteHonorCampaign": "Xoá đợt tôn vinh",
	"/trithuc.v1.HonorsService/CreateNomination":    "Đề cử tôn vinh",
	"/trithuc.v1.HonorsService/GetNomination":       "Xem đề cử",
	"/trithuc.v1.HonorsService/ListNominations":     "Xem danh sách đề cử",
	"/trithuc.v1.HonorsService/ReviewNomination":    "Xét đề cử",
	"/trithuc.v1.HonorsService/SelectNomination":    "Chọn đề cử",

	"/trithuc.v1.MembershipService/CreateAssociation":   "Tạo hội",
	"/trithuc.v1.MembershipService/GetAssociation":      "Xem hội",
	"/trithuc.v1.MembershipService/ListAssociations":    "Xem danh sách hội",
	"/trithuc.v1.MembershipService/UpdateAssociation":   "Sửa hội",
	"/trithuc.v1.MembershipService/DeleteAssociation":   "Xoá hội",
	"/trithuc.v1.MembershipService/UndeleteAssociation": "Khôi phục hội",
	"/trithuc.v1.MembershipService/RegisterMember":      "Đăng ký hội viên",
	"/trithuc.v1.MembershipService/GetMembership":       "Xem hội viên",
	"/trithuc.v1.MembershipService/ListMemberships":     "Xem danh sách hội viên",
	"/trithuc.v1.MembershipService/UpdateMembership":    "Sửa hội viên",
	"/trithuc.v1.MembershipService/ApproveMembership":   "Duyệt hội viên",
	"/trithuc.v1.MembershipService/RejectMembership":    "Từ chối hội viên",
	"/trithuc.v1.MembershipService/SuspendMembership":   "Tạm đình chỉ hội viên",
	"/trithuc.v1.MembershipService/ReinstateMembership": "Cho hội viên sinh hoạt lại",
	"/trithuc.v1.MembershipService/WithdrawMembership":  "Rút tên hội viên",

	"/trithuc.v1.OrganizationService/CreateOrganization":    "Tạo cơ quan, đơn vị",
	"/trithuc.v1.OrganizationService/GetOrganization":       "Xem cơ quan, đơn vị",
	"/trithuc.v1.OrganizationService/BatchGetOrganizations": "Xem nhiều cơ quan, đơn vị",
	"/trithuc.v1.OrganizationService/ListOrganizations":     "Xem danh sách cơ quan, đơn vị",
	"/trithuc.v1.OrganizationService/UpdateOrganization":    "Sửa cơ quan, đơn vị",
	"/trithuc.v1.OrganizationService/DeleteOrganization":    "Xoá cơ quan, đơn vị",
	"/trithuc.v1.OrganizationService/UndeleteOrganization":  "Khôi phục cơ quan, đơn vị",

	"/trithuc.v1.PersonService/CreatePerson":        "Tạo hồ sơ",
	"/trithuc.v1.PersonService/GetPerson":           "Xem hồ sơ",
	"/trithuc.v1.PersonService/BatchGetPeople":      "Xem nhiều hồ sơ",
	"/trithuc.v1.PersonService/ListPeople":          "Xem danh sách hồ sơ",
	"/trithuc.v1.PersonService/SearchPeople":        "Tìm hồ sơ",
	"/trithuc.v1.PersonService/UpdatePerson":        "Sửa hồ sơ",
	"/trithuc.v1.PersonService/DeletePerson":        "Xoá hồ sơ",
	"/trithuc.v1.PersonService/UndeletePerson":      "Khôi phục hồ sơ",
	"/trithuc.v1.PersonService/CreateQualification": "Thêm trình độ",
	"/trithuc.v1.PersonService/GetQualification":    "Xem trình độ",
	"/trithuc.v1.PersonService/ListQualifications":  "Xem danh sách trình độ",
	"/trithuc.v1.PersonService/UpdateQualification": "Sửa trình độ",
	"/trithuc.v1.PersonService/DeleteQualification": "Xoá trình độ",
	"/trithuc.v1.PersonService/VerifyQualification": "Xác minh trình độ",
	"/trithuc.v1.PersonService/CreatePosition":      "Thêm chức vụ",
	"/trithuc.v1.PersonService/GetPosition":         "Xem chức vụ",
	"/trithuc.v1.PersonService/ListPositions":       "Xem danh sách chức vụ",
	"/trithuc.v1.PersonService/UpdatePosition":      "Sửa chức vụ",
	"/trithuc.v1.PersonService/DeletePosition":      "Xoá chức vụ",
	"/trithuc.v1.PersonService/CreateHonor":         "Thêm khen thưởng",
	"/trithuc.v1.PersonService/GetHonor":            "Xem khen thưởng",
	"/trithuc.v1.PersonService/ListHonors":          "Xem danh sách khen thưởng",
	"/trithuc.v1.PersonService/UpdateHonor":         "Sửa khen thưởng",
	"/trithuc.v1.PersonService/DeleteHonor":         "Xoá khen thưởng",
	"/trithuc.v1.PersonService/CreateWork":          "Thêm công trình",
	"/trithuc.v1.PersonService/GetWork":             "Xem công trình",
	"/trithuc.v1.PersonService/ListWorks":           "Xem danh sách công trình",
	"/trithuc.v1.PersonService/UpdateWork":          "Sửa công trình",
	"/trithuc.v1.PersonService/DeleteWork":          "Xoá công trình",

	"/trithuc.v1.PrivacyService/CreateConsent":                "Ghi sự đồng ý",
	"/trithuc.v1.PrivacyService/GetConsent":                   "Xem sự đồng ý",
	"/trithuc.v1.PrivacyService/ListConsents":                 "Xem danh sách sự đồng ý",
	"/trithuc.v1.PrivacyService/WithdrawConsent":              "Rút lại sự đồng ý",
	"/trithuc.v1.PrivacyService/ListPersonRevisions":          "Xem các phiên bản hồ sơ",
	"/trithuc.v1.PrivacyService/RestorePersonRevision":        "Khôi phục phiên bản hồ sơ",
	"/trithuc.v1.PrivacyService/PurgePerson":                  "Xoá hẳn hồ sơ",
	"/trithuc.v1.PrivacyService/ExportPersonData":             "Xuất dữ liệu của một người",
	"/trithuc.v1.PrivacyService/CreateDataSubjectRequest":     "Ghi yêu cầu của chủ thể dữ liệu",
	"/trithuc.v1.PrivacyService/GetDataSubjectRequest":        "Xem yêu cầu của chủ thể dữ liệu",
	"/trithuc.v1.PrivacyService/ListDataSubjectRequests":      "Xem danh sách yêu cầu của chủ thể dữ liệu",
	"/trithuc.v1.PrivacyService/TransitionDataSubjectRequest": "Chuyển bước yêu cầu của chủ thể dữ liệu",

	"/trithuc.v1.ReferenceService/ListQualificationLevels": "Xem danh mục trình độ",
	"/trithuc.v1.ReferenceService/GetQualificationLevel":   "Xem một trình độ trong danh mục",
	"/trithuc.v1.ReferenceService/ListAcademicTitles":      "Xem danh mục học hàm",
	"/trithuc.v1.ReferenceService/GetAcademicTitle":        "Xem một học hàm trong danh mục",
	"/trithuc.v1.ReferenceService/ListFields":              "Xem danh mục lĩnh vực",
	"/trithuc.v1.ReferenceService/GetField":                "Xem một lĩnh vực trong danh mục",
	"/trithuc.v1.ReferenceService/ListEthnicGroups":        "Xem danh mục dân tộc",
	"/trithuc.v1.ReferenceService/GetEthnicGroup":          "Xem một dân tộc trong danh mục",
	"/trithuc.v1.ReferenceService/ListSectors":             "Xem danh mục ngành",
	"/trithuc.v1.ReferenceService/GetSector":               "Xem một ngành trong danh mục",
	"/trithuc.v1.ReferenceService/ListCountries":           "Xem danh mục quốc gia",
	"/trithuc.v1.ReferenceService/GetCountry":              "Xem một quốc gia trong danh mục",
	"/trithuc.v1.ReferenceService/ListAdministrativeUnits": "Xem danh mục đơn vị hành chính",
	"/trithuc.v1.ReferenceService/GetAdministrativeUnit":   "Xem một đơn vị hành chính trong danh mục",

	"/trithuc.v1.ReviewService/CreateReviewCampaign": "Tạo đợt rà soát hồ sơ",
	"/trithuc.v1.ReviewService/GetReviewCampaign":    "Xem đợt rà soát hồ sơ",
	"/trithuc.v1.ReviewService/ListReviewCampaigns":  "Xem danh sách đợt rà soát hồ sơ",
	"/trithuc.v1.ReviewService/UpdateReviewCampaign": "Sửa đợt rà soát hồ sơ",
	"/trithuc.v1.ReviewService/CloseReviewCampaign":  "Kết thúc đợt rà soát hồ sơ",
	"/trithuc.v1.ReviewService/GetProfileReview":     "Xem việc rà soát một hồ sơ",
	"/trithuc.v1.ReviewService/ListProfileReviews":   "Xem danh sách việc rà soát hồ sơ",
	"/trithuc.v1.ReviewService/ConfirmProfileReview": "Xác nhận đã rà soát hồ sơ",

	"/trithuc.v1.StatisticsService/ComputeStatistics":        "Tính số liệu thống kê",
	"/trithuc.v1.StatisticsService/ExportStatistics":         "Xuất số liệu thống kê",
	"/trithuc.v1.StatisticsService/GetIndicators":            "Xem chỉ tiêu thống kê",
	"/trithuc.v1.StatisticsService/CreateReport":             "Lập báo cáo",
	"/trithuc.v1.StatisticsService/GetReport":                "Xem báo cáo",
	"/trithuc.v1.StatisticsService/ListReports":              "Xem danh sách báo cáo",
	"/trithuc.v1.StatisticsService/ExportReport":             "Xuất báo cáo",
	"/trithuc.v1.StatisticsService/GetStatisticsSettings":    "Xem cài đặt thống kê",
	"/trithuc.v1.StatisticsService/UpdateStatisticsSettings": "Sửa cài đặt thống kê",

	"/trithuc.v1.TransferService/ImportPeople":      "Nhập danh sách từ tệp",
	"/trithuc.v1.TransferService/UploadImport":      "Tải lên tệp để nhập",
	"/trithuc.v1.TransferService/ExportPeople":      "Xuất danh sách ra tệp",
	"/trithuc.v1.TransferService/GetImportReport":   "Xem kết quả nhập tệp",
	"/trithuc.v1.TransferService/GetImportTemplate": "Tải tệp mẫu để nhập",

	"/google.longrunning.Operations/GetOperation":    "Xem tiến độ việc chạy nền",
	"/google.longrunning.Operations/ListOperations":  "Xem danh sách việc chạy nền",
	"/google.longrunning.Operations/CancelOperation": "Huỷ việc chạy nền",
	"/google.longrunning.Operations/DeleteOperation": "Xoá việc chạy nền",
	"/google.longrunning.Operations/WaitOperation":   "Chờ việc chạy nền xong",
}

// Method is the Vietnamese for a method the audit trail names, given its
// full name (/trithuc.v1.PersonService/GetPerson); "" when it has none,
// as a method of a later contract.
func Method(full string) string { return methods[full] }

// AuditMethod is one method of the contract, as the audit trail's filter
// offers it: its full name and its words.
type AuditMethod struct{ Name, Label string }

// AuditMethods are the methods of the contract's services, from their
// descriptors (the registry's own, trithuc.v1, and google.longrunning's
// Operations, which the server serves for imports), by label; one slice,
// made once, which callers must not change.
func AuditMethods() []AuditMethod { return auditMethods() }

var auditMethods = sync.OnceValue(func() []AuditMethod {
	var out []AuditMethod
	for _, pkg := range []protoreflect.FullName{"trithuc.v1", "google.longrunning"} {
		protoregistry.GlobalFiles.RangeFilesByPackage(pkg, func(f protoreflect.FileDescriptor) bool {
			for i := range f.Services().Len() {
				s := f.Services().Get(i)
				for j := range s.Methods().Len() {
					name := "/" + string(s.FullName()) + "/" + string(s.Methods().Get(j).Name())
					out = append(out, AuditMethod{Name: name, Label: cmp.Or(methods[name], name)})
				}
			}
			return true
		})
	}
	vntext.Sort(out, func(m AuditMethod) string { return m.Label })
	return out
})

// MethodNamed is the full name of the method an admin typed in the audit
// trail's filter: its words (in any case, with or without accents, no two
// methods' words differing only by them), or the last part of its name
// when one method alone has it (GetPerson); what was typed otherwise.
func MethodNamed(typed string) string {
	key, short := vntext.Fold(vntext.Clean(typed)), "/"+strings.TrimSpace(typed)
	found := ""
	for _, m := range AuditMethods() {
		switch {
		case vntext.Fold(m.Label) == key:
			return m.Name
		case short != "/" && strings.HasSuffix(m.Name, short) && strings.Count(short, "/") == 1:
			if found != "" {
				found = typed // two services have it: the API's to tell apart
			} else {
				found = m.Name
			}
		}
	}
	return cmp.Or(found, typed)
}
