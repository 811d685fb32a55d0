package console

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An admin's actions that end someone's access (disabling an account,
// resetting its password, revoking a key) are one click from a list of
// look-alike rows: each asks first, on a page that names whose access ends
// and what follows, and only its form acts.

type adminConfirmData struct {
	Heading string
	// Who is the account or key the action is on, as people know it.
	Who string
	// Means says what the action does and whether it can be undone.
	Means []string
	// Done says why there is nothing to do (a key revoked already); the
	// page then has no form.
	Done           string
	Action, Button string
	Back           string
}

func (h *Handler) confirmAccountAction(q *request) {
	id := q.r.PathValue("id")
	a, err := h.accts.GetAccount(q.ctx(), &pb.GetAccountRequest{Name: "accounts/" + id})
	if err != nil {
		q.fail(h, err)
		return
	}
	d := &adminConfirmData{Who: a.GetDisplayName() + " (" + a.GetEmail() + ")", Back: "/admin/accounts",
		Action: "/admin/accounts/" + id + "/" + q.r.PathValue("action")}
	switch q.r.PathValue("action") {
	case "disable":
		d.Heading, d.Button = "Khoá tài khoản", "Khoá tài khoản"
		d.Means = []string{"Người này không đăng nhập được nữa; các phiên đang mở của tài khoản kết thúc ngay.",
			"Muốn cho dùng lại, hãy đặt lại mật khẩu: tài khoản được mở lại với một đường dẫn đặt mật khẩu mới."}
		if a.GetDisableTime() != nil {
			d.Done = "Tài khoản này đã khoá từ " + formatTime(a.GetDisableTime()) + "."
		}
	case "reset":
		d.Heading, d.Button = "Đặt lại mật khẩu", "Đặt lại mật khẩu"
		d.Means = []string{"Mật khẩu hiện tại hết hiệu lực; các phiên đang mở của tài khoản kết thúc ngay.",
			"Trang sau cho một đường dẫn (dùng được một lần) để gửi cho người này đặt mật khẩu mới. Tài khoản đã khoá được mở lại."}
	default:
		q.fail(h, status.Error(codes.NotFound, "no such action"))
		return
	}
	q.show(h, "adminconfirm", "admin", d.Heading, &page{Data: d})
}

func (h *Handler) confirmRevokeKey(q *request) {
	id := q.r.PathValue("id")
	k, err := h.accts.GetApiKey(q.ctx(), &pb.GetApiKeyRequest{Name: "apiKeys/" + id})
	if err != nil {
		q.fail(h, err)
		return
	}
	d := &adminConfirmData{Heading: "Thu hồi khoá API", Who: k.GetDisplayName() + " (mã " + id + ", " + roleLabel(k.GetRole()) + ")",
		Back: "/admin/keys", Action: "/admin/keys/" + id + "/revoke", Button: "Thu hồi khoá",
		Means: []string{"Khoá không dùng được nữa, ngay lập tức: mọi chương trình đang dùng nó sẽ bị từ chối.",
			"Không hoàn tác được; muốn dùng tiếp, hãy tạo khoá mới và thay vào các chương trình đó."}}
	if k.GetRevokeTime() != nil {
		d.Done = "Khoá này đã bị thu hồi từ " + formatTime(k.GetRevokeTime()) + "."
	}
	q.show(h, "adminconfirm", "admin", d.Heading, &page{Data: d})
}
