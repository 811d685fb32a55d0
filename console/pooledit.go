package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Editing and deleting an expert pool, for the roles that write pools
// (the server keeps an association's registrar to its scope). Both send
// the etag of the pool as read: a form sent after another's change
// changes nothing (409) and shows the pool as it is now. Deleting asks
// first, saying how many members and engagements go with the pool.

// msgPoolChanged answers a form about a pool changed meanwhile.
const msgPoolChanged = "Nhóm chuyên gia này vừa được người khác sửa trong lúc bạn xem, nên chưa có gì thay đổi. Trang dưới đây là bản mới nhất; hãy xem lại rồi làm lại."

type poolEditData struct {
	Pool        *pb.ExpertPool
	Association *pb.Association
	Form        poolEditForm
	Roles       []option
	FieldList   []option
}

// poolEditForm is a pool as its edit form holds it: its fields' entries
// a box each, one empty box more.
type poolEditForm struct {
	DisplayName, Description, Etag string
	Fields                         []string
	Roles                          map[string]bool
}

// Editing is true: the form says that emptying a box drops its field.
func (poolEditForm) Editing() bool { return true }

// poolFormOf fills the edit form with pool, its fields by their entries.
func poolFormOf(pool *pb.ExpertPool, fields []option) poolEditForm {
	names := fieldNames(fields)
	f := poolEditForm{DisplayName: pool.GetDisplayName(), Description: pool.GetDescription(), Etag: pool.GetEtag(), Roles: map[string]bool{}}
	for _, name := range pool.GetFields() {
		e := names[name]
		if e == "" {
			e = name
		}
		f.Fields = append(f.Fields, e)
	}
	f.Fields = append(f.Fields, "")
	for len(f.Fields) < 3 {
		f.Fields = append(f.Fields, "")
	}
	for _, r := range pool.GetRoles() {
		f.Roles[r.String()] = true
	}
	return f
}

// readPoolEdit reads the posted form into the form and the pool it says.
func readPoolEdit(q *request, fields []option) (poolEditForm, *pb.ExpertPool) {
	f := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	form := poolEditForm{DisplayName: f("display_name"), Description: f("description"), Etag: f("etag"), Roles: map[string]bool{}}
	pool := &pb.ExpertPool{Name: poolName(q), DisplayName: form.DisplayName, Description: form.Description, Etag: form.Etag}
	for i := 0; i < 50 && q.r.PostForm.Has("field"+strconv.Itoa(i)); i++ {
		typed := f("field" + strconv.Itoa(i))
		form.Fields = append(form.Fields, typed)
		// A field chosen twice is one field of the pool.
		if c := readChoice(typed, fields); c != "" && !slices.Contains(pool.Fields, c) {
			pool.Fields = append(pool.Fields, c)
		}
	}
	for _, r := range q.r.PostForm["roles"] {
		if v := pb.Person_ExpertRole_value[r]; v != 0 {
			form.Roles[r] = true
			pool.Roles = append(pool.Roles, pb.Person_ExpertRole(v))
		}
	}
	return form, pool
}

// editPool shows a pool's edit form and saves it.
func (h *Handler) editPool(q *request) {
	if q.notForExperts(h) || !q.mayWrite(h, "Sửa nhóm chuyên gia") {
		return
	}
	ctx := q.ctx()
	cur, err := h.experts.GetExpertPool(ctx, &pb.GetExpertPoolRequest{Name: poolName(q)})
	if err != nil {
		q.fail(h, err)
		return
	}
	a, ok := h.pathAssociation(q)
	if !ok {
		return
	}
	fields, _ := h.readList(ctx, "fields")
	d := &poolEditData{Pool: cur, Association: a, Form: poolFormOf(cur, fields)}
	p := &page{Fields: map[string]string{}, Data: d}
	if q.r.Method == http.MethodPost {
		var pool *pb.ExpertPool
		d.Form, pool = readPoolEdit(q, fields)
		switch {
		case d.Form.DisplayName == "":
			p.Fields["display_name"] = "Cần điền tên nhóm."
			p.Error, p.Status = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu.", http.StatusUnprocessableEntity
		default:
			err = withEtag(d.Form.Etag, func(etag string) error {
				pool.Etag = etag
				_, err := h.experts.UpdateExpertPool(ctx, &pb.UpdateExpertPoolRequest{ExpertPool: pool,
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name", "description", "fields", "roles"}}})
				return err
			})
			if err == nil {
				q.redirect(poolPath(q), "pool-saved")
				return
			}
		}
		if err != nil {
			msg, bad, code := explain(err)
			p.Error, p.Status = msg, code
			for f, m := range bad {
				if strings.HasPrefix(f, "fields") {
					f = "fields"
				}
				p.Fields[f] = m
			}
			if status.Code(err) == codes.Aborted {
				d.Form, p.Error, p.Fields = poolFormOf(cur, fields), msgPoolChanged, map[string]string{}
			}
		}
	}
	d.Roles = expertRoleOptions()
	for i := range d.Roles {
		d.Roles[i].Selected = d.Form.Roles[d.Roles[i].Value]
	}
	for _, o := range fields {
		d.FieldList = append(d.FieldList, option{Value: entry("fields", o)})
	}
	q.show(h, "pooledit", "experts", "Sửa nhóm chuyên gia: "+cur.GetDisplayName(), p)
}

type poolDeleteData struct {
	Pool                 *pb.ExpertPool
	Association          *pb.Association
	Members, Engagements int32
}

// deletePool asks to confirm, then deletes the pool with its members and
// engagements (force: the page said they go with it).
func (h *Handler) deletePool(q *request) {
	if q.notForExperts(h) || !q.mayWrite(h, "Xoá nhóm chuyên gia") {
		return
	}
	ctx := q.ctx()
	assocPath := "/experts/" + q.r.PathValue("assoc")
	cur, err := h.experts.GetExpertPool(ctx, &pb.GetExpertPoolRequest{Name: poolName(q)})
	if status.Code(err) == codes.NotFound && q.r.Method == http.MethodPost {
		// Sent twice: the first deleted it.
		q.redirect(assocPath, "pool-gone")
		return
	}
	if err != nil {
		q.fail(h, err)
		return
	}
	p := &page{}
	if q.r.Method == http.MethodPost {
		err := withEtag(q.r.PostFormValue("etag"), func(etag string) error {
			_, err := h.experts.DeleteExpertPool(ctx, &pb.DeleteExpertPoolRequest{Name: cur.GetName(), Etag: etag, Force: true})
			return err
		})
		switch {
		case err == nil:
			q.redirect(assocPath, "pool-deleted")
			return
		case status.Code(err) == codes.Aborted:
			p.Error, p.Status = msgPoolChanged, http.StatusConflict
		default:
			q.fail(h, err)
			return
		}
	}
	a, ok := h.pathAssociation(q)
	if !ok {
		return
	}
	d := &poolDeleteData{Pool: cur, Association: a}
	if m, err := h.experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: cur.GetName(), PageSize: 1}); err == nil {
		d.Members = m.GetTotalSize()
	}
	if e, err := h.experts.ListEngagements(ctx, &pb.ListEngagementsRequest{Parent: cur.GetName(), PageSize: 1}); err == nil {
		d.Engagements = e.GetTotalSize()
	}
	p.Data = d
	q.show(h, "pooldelete", "experts", "Xoá nhóm chuyên gia: "+cur.GetDisplayName(), p)
}

func init() {
	for k, msg := range map[string]string{
		"pool-saved":   "Đã lưu nhóm chuyên gia.",
		"pool-deleted": "Đã xoá nhóm chuyên gia, cùng các chuyên gia trong nhóm và các lượt mời của nhóm.",
		"pool-gone":    "Nhóm chuyên gia này không còn (đã được xoá).",
	} {
		flashes[k] = msg
	}
}
