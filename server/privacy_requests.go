package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The requests of data subjects, the export that answers ACCESS, and the
// purge that carries out ERASURE: admins' methods.

func (s *privacyService) CreateDataSubjectRequest(ctx context.Context, req *pb.CreateDataSubjectRequestRequest) (*pb.DataSubjectRequest, error) {
	r := proto.Clone(req.GetDataSubjectRequest()).(*pb.DataSubjectRequest)
	out, err := s.db.CreateDataSubjectRequest(ctx, r, auditEvent(ctx))
	return out, grpcError(ctx, err)
}

func (s *privacyService) GetDataSubjectRequest(ctx context.Context, req *pb.GetDataSubjectRequestRequest) (*pb.DataSubjectRequest, error) {
	out, err := s.db.GetDataSubjectRequest(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *privacyService) ListDataSubjectRequests(ctx context.Context, req *pb.ListDataSubjectRequestsRequest) (*pb.ListDataSubjectRequestsResponse, error) {
	out, next, err := s.db.ListDataSubjectRequests(ctx, req.GetPerson(), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListDataSubjectRequestsResponse{DataSubjectRequests: out, NextPageToken: next}, nil
}

func (s *privacyService) TransitionDataSubjectRequest(ctx context.Context, req *pb.TransitionDataSubjectRequestRequest) (*pb.DataSubjectRequest, error) {
	out, err := s.db.TransitionDataSubjectRequest(ctx, req.GetName(), req.GetState(), req.GetReason(), req.GetAction(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag()})
	return out, grpcError(ctx, err)
}

func (s *privacyService) PurgePerson(ctx context.Context, req *pb.PurgePersonRequest) (*pb.PurgePersonResponse, error) {
	removed, err := s.db.PurgePerson(ctx, req.GetName(), req.GetDataSubjectRequest(), req.GetReason(), auditEvent(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.PurgePersonResponse{Name: req.GetName(), Removed: removed}, nil
}

// ExportPersonData gathers everything held about one person; the caller
// is an admin, who reads personal data.
func (s *privacyService) ExportPersonData(ctx context.Context, req *pb.ExportPersonDataRequest) (*pb.PersonData, error) {
	name := req.GetName()
	out := &pb.PersonData{}
	var err error
	if out.Person, err = s.db.GetPerson(ctx, name, pb.PersonView_PERSON_VIEW_FULL); err != nil {
		return nil, grpcError(ctx, err)
	}
	if out.Consents, err = s.db.ListConsents(ctx, name, store.ShownAll); err != nil {
		return nil, grpcError(ctx, err)
	}
	for token := ""; ; {
		page, next, err := s.db.ListPersonRevisions(ctx, name, store.MaxPageSize, token, "", true)
		if err != nil {
			return nil, grpcError(ctx, err)
		}
		out.Revisions = append(out.Revisions, page...)
		if token = next; token == "" {
			break
		}
	}
	for token := ""; ; {
		page, next, err := s.db.ListDataSubjectRequests(ctx, name, store.MaxPageSize, token)
		if err != nil {
			return nil, grpcError(ctx, err)
		}
		out.DataSubjectRequests = append(out.DataSubjectRequests, page...)
		if token = next; token == "" {
			break
		}
	}
	// What they hold in expert pools and honours, which PurgePerson
	// deletes with them, is theirs too.
	held, err := s.db.PersonHoldings(ctx, name)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	out.ExpertPoolMembers, out.Engagements, out.Nominations = held.PoolMembers, held.Engagements, held.Nominations
	if err := s.personAudit(ctx, out); err != nil {
		return nil, err
	}
	out.Document = personDocument(out, s.referenceNames(ctx, out.Person), time.Now())
	return out, nil
}

// personAuditEvents bounds the audit events a person's export holds: the
// newest, and of the older ones their count and time span. The trail
// holds every call, and a person everyone looks up is named in millions
// of read events: read whole, they made an answer of gigabytes. A
// thousand shows who has been reading them lately; ListAuditEvents with
// the person as resource pages through the rest.
const personAuditEvents = 1000

// personAudit fills in d's audit events: the newest personAuditEvents that
// name the person, each keeping only the person's resources
// (keepOwnResources) as it is read, and the count of the older ones and
// the time of the oldest.
func (s *privacyService) personAudit(ctx context.Context, d *pb.PersonData) error {
	name := d.Person.GetName()
	token := ""
	for len(d.AuditEvents) < personAuditEvents {
		page, err := s.audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Resource: name,
			PageSize: int32(min(store.MaxPageSize, personAuditEvents-len(d.AuditEvents))), PageToken: token})
		if err != nil {
			return err
		}
		keepOwnResources(d, page.AuditEvents)
		d.AuditEvents = append(d.AuditEvents, page.AuditEvents...)
		if token = page.NextPageToken; token == "" {
			return nil
		}
	}
	older, err := s.db.CountAuditEvents(ctx, store.AuditQuery{Resource: name, ListQuery: store.ListQuery{PageToken: token}})
	if err != nil {
		return grpcError(ctx, err)
	}
	d.OlderAuditEventCount, d.OlderAuditEventsPartial = older.Events, older.Partial
	if older.Events > 0 {
		d.OldestAuditEventTime = timestamppb.New(older.Oldest)
	}
	return nil
}

// keepOwnResources leaves in each of events only the resources that are
// the person's of d: the person, what lies under them, and what they hold
// by another name. An event of a list or an export names everyone it
// showed, whom the person's answer must not name (and whose names made a
// busy person's answer larger than a gRPC message may be).
func keepOwnResources(d *pb.PersonData, events []*pb.AuditEvent) {
	name := d.Person.GetName()
	own := map[string]bool{}
	for _, m := range d.ExpertPoolMembers {
		own[m.Name] = true
	}
	for _, e := range d.Engagements {
		own[e.Name] = true
	}
	for _, n := range d.Nominations {
		own[n.Name] = true
	}
	for _, ev := range events {
		ev.Resources = slices.DeleteFunc(ev.Resources, func(r string) bool {
			return r != name && !strings.HasPrefix(r, name+"/") && !own[r]
		})
	}
}

// referenceNames are the names of the reference codes a profile holds, by
// resource name, for its document: ethnicity, hometown and the
// qualifications' levels. A code the lists do not hold stays a code.
func (s *privacyService) referenceNames(ctx context.Context, p *pb.Person) map[string]string {
	names := map[string]string{}
	if p.Ethnicity != "" {
		if e, err := s.db.GetEthnicGroup(ctx, "ethnicGroups/"+p.Ethnicity); err == nil {
			names[e.Name] = e.NameVi
		}
	}
	if p.Hometown != "" {
		if u, err := s.db.GetAdministrativeUnit(ctx, "administrativeUnits/"+p.Hometown, nil); err == nil {
			names[u.Name] = u.DisplayName
		}
	}
	for _, q := range p.Qualifications {
		if q.Level == "" {
			continue
		}
		if l, err := s.db.GetQualificationLevel(ctx, "qualificationLevels/"+q.Level); err == nil {
			names[l.Name] = l.NameVi
		}
	}
	return names
}

// personDocument is the export as a document a person can read; names
// are the reference codes' names (referenceNames).
func personDocument(d *pb.PersonData, names map[string]string, now time.Time) string {
	var b strings.Builder
	p := d.Person
	named := func(collection, code string) string {
		if n := names[collection+"/"+code]; n != "" {
			return n
		}
		return code
	}
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "- %s: %s\n", label, value)
		}
	}
	// Times as the person reads them: Vietnam's, day first.
	vn := func(t time.Time) string { return t.In(store.Vietnam).Format("15:04 02/01/2006") }
	ts := func(t interface{ AsTime() time.Time }) string { return vn(t.AsTime()) }
	fmt.Fprintf(&b, "# Dữ liệu cá nhân về %s\n\n(%s, lập lúc %s, giờ Việt Nam)\n\n## Hồ sơ\n\n", p.DisplayName, p.Name, vn(now))
	line("Họ và tên", p.DisplayName)
	if bd := p.BirthDate; bd != nil {
		line("Ngày sinh", fmt.Sprintf("%02d/%02d/%d", bd.Day, bd.Month, bd.Year))
	}
	line("Giới tính", labels.Of(p.Gender))
	line("Dân tộc", named("ethnicGroups", p.Ethnicity))
	line("Số định danh", p.NationalId)
	line("Thư điện tử", p.Email)
	line("Điện thoại", p.Phone)
	line("Địa chỉ", p.Address)
	line("Quê quán", named("administrativeUnits", p.Hometown))
	if len(p.Qualifications) > 0 {
		b.WriteString("\n## Trình độ\n\n")
		for _, q := range p.Qualifications {
			level := named("qualificationLevels", q.Level)
			if q.DegreeTitle != "" {
				level += " (" + q.DegreeTitle + ")"
			}
			fmt.Fprintf(&b, "- %s %s %s (%d)\n", labels.Of(q.Kind), level, q.Major, q.Year)
		}
	}
	if len(p.Positions) > 0 {
		b.WriteString("\n## Công tác\n\n")
		for _, q := range p.Positions {
			// The server fills the name of a registered organization too.
			org := q.OrganizationName
			if org == "" {
				org = q.Organization
			}
			fmt.Fprintf(&b, "- %s, %s\n", q.Title, org)
		}
	}
	if len(p.Memberships) > 0 {
		b.WriteString("\n## Hội viên\n\n")
		for _, m := range p.Memberships {
			fmt.Fprintf(&b, "- %s: %s %s\n", m.Name, labels.Of(m.State), m.MemberNumber)
		}
	}
	b.WriteString("\n## Sự đồng ý\n\n")
	for _, c := range d.Consents {
		state := "còn hiệu lực"
		if c.WithdrawTime != nil {
			state = "đã rút lúc " + ts(c.WithdrawTime)
		}
		var purposes []string
		for _, pu := range c.Purposes {
			purposes = append(purposes, labels.Of(pu))
		}
		basis := c.LegalBasis
		if basis == pb.Consent_LEGAL_BASIS_UNSPECIFIED {
			basis = pb.Consent_CONSENT // the contract's default
		}
		fmt.Fprintf(&b, "- %s, căn cứ %s, văn bản %s, lúc %s, %s\n", strings.Join(purposes, ", "), labels.Of(basis), c.TextVersion, ts(c.ConsentTime), state)
	}
	fmt.Fprintf(&b, "\n## Lịch sử thay đổi (%d)\n\n", len(d.Revisions))
	for _, r := range d.Revisions {
		fmt.Fprintf(&b, "- %s %s %s %s: %s\n", ts(r.CreateTime), r.Principal, r.Method, r.Resource, strings.Join(r.ChangedFields, ", "))
	}
	fmt.Fprintf(&b, "\n## Ai đã đọc hoặc sửa (%d)\n\n", len(d.AuditEvents))
	for _, ev := range d.AuditEvents {
		fmt.Fprintf(&b, "- %s %s (%s) %s %s\n", ts(ev.EventTime), ev.PrincipalName, ev.Role, ev.Method, ev.Code)
	}
	// The older ones are counted, not listed (personAuditEvents).
	switch n := d.OlderAuditEventCount; {
	case n > 0 && len(d.AuditEvents) > 0:
		count := fmt.Sprint(n)
		if d.OlderAuditEventsPartial {
			count = "ít nhất " + count
		}
		fmt.Fprintf(&b, "\nCùng %s lượt cũ hơn, không liệt kê ở đây: từ %s đến %s.\n", count,
			ts(d.OldestAuditEventTime), ts(d.AuditEvents[len(d.AuditEvents)-1].EventTime))
	case d.OlderAuditEventsPartial:
		b.WriteString("\nCùng những lượt cũ hơn, không liệt kê ở đây.\n")
	}
	if len(d.ExpertPoolMembers) > 0 {
		b.WriteString("\n## Nhóm chuyên gia\n\n")
		for _, m := range d.ExpertPoolMembers {
			fmt.Fprintf(&b, "- %s: %s\n", m.Name, joined(labels.Of(m.Role), labels.Of(m.Status)))
		}
	}
	if len(d.Engagements) > 0 {
		b.WriteString("\n## Công việc chuyên gia\n\n")
		for _, e := range d.Engagements {
			rating := ""
			if e.Rating > 0 {
				rating = fmt.Sprintf("đánh giá %d/5", e.Rating)
			}
			fmt.Fprintf(&b, "- %s: %s\n", e.Name, joined(e.MatterTitle, e.RequestingAgency, labels.Of(e.Role),
				labeled("quyết định số", e.DecisionNumber), labeled("từ", labels.Date(e.StartDate)), labeled("đến", labels.Date(e.EndDate)),
				labeled("xung đột lợi ích đã khai:", e.DeclaredConflict), labeled("kết quả:", e.Outcome), rating))
		}
	}
	if len(d.Nominations) > 0 {
		b.WriteString("\n## Đề cử khen thưởng\n\n")
		for _, n := range d.Nominations {
			fmt.Fprintf(&b, "- %s: %s\n", n.Name, joined(labels.Of(n.State), labeled("người đề cử:", n.Nominator), labeled("lý do:", n.Reason)))
			for _, dec := range n.Decisions {
				fmt.Fprintf(&b, "  - %s %s %s\n", ts(dec.DecideTime), dec.Decider, joined(labels.Of(dec.State), dec.Note))
			}
		}
	}
	if len(d.DataSubjectRequests) > 0 {
		b.WriteString("\n## Yêu cầu của chủ thể dữ liệu\n\n")
		for _, r := range d.DataSubjectRequests {
			fmt.Fprintf(&b, "- %s: %s, %s\n", r.Name, labels.Of(r.Kind), labels.Of(r.State))
		}
	}
	return b.String()
}

// joined is the parts that are not empty, separated by commas.
func joined(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// labeled is value after its label, or "" without a value.
func labeled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + " " + value
}
