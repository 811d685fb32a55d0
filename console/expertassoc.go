package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An association's page of experts: its pools, a form that makes one (for
// admins and registrars), and its engagements counted by year, the
// expert's primary field and the role.

type associationExpertsData struct {
	Association *pb.Association
	Pools       []*pb.ExpertPool
	Fields      map[string]string
	// The statistics' years as typed, and their answer.
	StartYear, EndYear string
	Stats              *pb.ComputeEngagementStatisticsResponse
	// The new pool's form, as typed, for the roles that may make one.
	CanCreate bool
	Form      poolForm
	Roles     []option
	FieldList []option
}

// poolForm is a new pool as typed: its fields' entries in three boxes.
type poolForm struct {
	DisplayName, ID, Description string
	Fields                       [3]string
	Roles                        map[string]bool
	RequestID                    string
}

func (h *Handler) associationExperts(q *request) { h.showAssociation(q, nil, nil) }

func (h *Handler) showAssociation(q *request, form *poolForm, p *page) {
	if q.notForExperts(h) {
		return
	}
	ctx := q.ctx()
	name := "associations/" + q.r.PathValue("assoc")
	a, err := h.members.GetAssociation(ctx, &pb.GetAssociationRequest{Name: name})
	if err != nil {
		q.fail(h, err)
		return
	}
	// Every association is read by every account; its pools are the
	// server's to refuse to an account limited to another.
	pools, err := h.experts.ListExpertPools(ctx, &pb.ListExpertPoolsRequest{Parent: name, PageSize: 1000})
	if err != nil {
		q.fail(h, err)
		return
	}
	v := q.r.URL.Query()
	fields, _ := h.readList(ctx, "fields")
	d := &associationExpertsData{Association: a, Pools: pools.GetExpertPools(), Fields: fieldNames(fields),
		StartYear: strings.TrimSpace(v.Get("start_year")), EndYear: strings.TrimSpace(v.Get("end_year")),
		CanCreate: canWritePeople(q.sess.Account)}
	byName(d.Pools, (*pb.ExpertPool).GetDisplayName)
	if form == nil {
		form = &poolForm{RequestID: newFormToken()}
	}
	if p == nil {
		p = &page{Fields: map[string]string{}}
	}
	d.Form, p.Data = *form, d
	if d.CanCreate {
		d.Roles = expertRoleOptions()
		for i := range d.Roles {
			d.Roles[i].Selected = form.Roles[d.Roles[i].Value]
		}
		for _, o := range fields {
			d.FieldList = append(d.FieldList, option{Value: entry("fields", o)})
		}
	}
	h.countEngagements(q, d, p, name)
	q.show(h, "expertassoc", "experts", "Chuyên gia: "+a.GetDisplayName(), p)
}

// countEngagements counts the association's engagements in the years the
// page's query asks for (a GET: a form posted to make a pool counts every
// year).
func (h *Handler) countEngagements(q *request, d *associationExpertsData, p *page, name string) {
	req := &pb.ComputeEngagementStatisticsRequest{Name: name}
	bad := false
	for _, y := range []struct {
		field, text string
		to          *int32
	}{{"start_year", d.StartYear, &req.StartYear}, {"end_year", d.EndYear, &req.EndYear}} {
		if y.text == "" {
			continue
		}
		n, err := strconv.Atoi(y.text)
		if err != nil || n < 1900 || n > 2200 {
			p.Fields[y.field], bad = "Năm phải là một số, ví dụ 2025.", true
			continue
		}
		*y.to = int32(n)
	}
	if bad {
		p.Error, p.Status = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu.", http.StatusUnprocessableEntity
		return
	}
	var err error
	if d.Stats, err = h.experts.ComputeEngagementStatistics(q.ctx(), req); err != nil {
		var fields map[string]string
		p.Error, fields, p.Status = explain(err)
		for f, msg := range fields {
			p.Fields[f] = msg
		}
	}
}

// createPool makes a pool of the association: its name, an optional id,
// what it is for, its fields (chosen by name) and its kinds of work.
func (h *Handler) createPool(q *request) {
	if q.notForExperts(h) || !q.mayWrite(h, "Tạo nhóm chuyên gia") {
		return
	}
	f := q.r.PostFormValue
	form := &poolForm{DisplayName: strings.TrimSpace(f("display_name")), ID: strings.TrimSpace(f("id")),
		Description: strings.TrimSpace(f("description")), Roles: map[string]bool{}, RequestID: q.formRequestID()}
	pool := &pb.ExpertPool{DisplayName: form.DisplayName, Description: form.Description}
	fields, _ := h.readList(q.ctx(), "fields")
	for i := range form.Fields {
		form.Fields[i] = strings.TrimSpace(q.r.PostFormValue("field" + strconv.Itoa(i)))
		// A field chosen twice is one field of the pool.
		if c := readChoice(form.Fields[i], fields); c != "" && !slices.Contains(pool.Fields, c) {
			pool.Fields = append(pool.Fields, c)
		}
	}
	for _, r := range q.r.PostForm["roles"] {
		if v := pb.Person_ExpertRole_value[r]; v != 0 {
			form.Roles[r] = true
			pool.Roles = append(pool.Roles, pb.Person_ExpertRole(v))
		}
	}
	p := &page{Fields: map[string]string{}}
	parent := "associations/" + q.r.PathValue("assoc")
	if form.DisplayName == "" {
		p.Fields["display_name"] = "Cần điền tên nhóm."
		p.Error, p.Status = "Có thông tin chưa hợp lệ; xem các ô được đánh dấu.", http.StatusUnprocessableEntity
		h.morePoolMistakes(q, parent, pool, form.ID, p.Fields)
		h.showAssociation(q, form, p)
		return
	}
	made, err := h.experts.CreateExpertPool(q.ctx(), &pb.CreateExpertPoolRequest{Parent: parent,
		ExpertPool: pool, ExpertPoolId: form.ID, RequestId: form.RequestID})
	if err == nil {
		q.redirect("/experts/"+q.r.PathValue("assoc")+"/"+idOf(made.GetName()), "pool-created")
		return
	}
	form.RequestID = p.refuseCreate(err, "expert_pool_id", form.RequestID)
	if status.Code(err) == codes.InvalidArgument {
		h.morePoolMistakes(q, parent, pool, form.ID, p.Fields)
	}
	h.showAssociation(q, form, p)
}

// morePoolMistakes marks the mistakes of a refused new pool that bad does
// not hold yet: the server answers only the first stage of its checks that
// finds any (a wrong id before a field not in the list), and is not asked
// when the name is missing, so the form would come back once a mistake.
// The parts marked already are left out of the check, a stand-in for the
// name.
func (h *Handler) morePoolMistakes(q *request, parent string, pool *pb.ExpertPool, id string, bad map[string]string) {
	moreMistakes([]string{"display_name", "id", "description", "fields", "roles"}, bad, func(rest []string) error {
		try, tryID := &pb.ExpertPool{DisplayName: "A"}, ""
		for _, f := range rest {
			switch f {
			case "display_name":
				try.DisplayName = pool.GetDisplayName()
			case "id":
				tryID = id
			case "description":
				try.Description = pool.GetDescription()
			case "fields":
				try.Fields = pool.GetFields()
			case "roles":
				try.Roles = pool.GetRoles()
			}
		}
		_, err := h.experts.CreateExpertPool(q.ctx(), &pb.CreateExpertPoolRequest{Parent: parent, ExpertPool: try,
			ExpertPoolId: tryID, ValidateOnly: true})
		if st, ok := status.FromError(err); ok && st.Code() == codes.InvalidArgument {
			// The id's refusal names the request's field, the form's "id".
			_, more, _ := explain(err)
			if m, ok := more["expert_pool_id"]; ok {
				bad["id"] = m
			}
		}
		return err
	})
}

// Editing is false: a new pool's form has no field to drop.
func (poolForm) Editing() bool { return false }
