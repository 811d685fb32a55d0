package synth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// AssociationSeed is a science association with the id it is created
// under.
type AssociationSeed struct {
	ID          string
	Association *pb.Association
}

// Associations returns the provincial Union of Science and Technology
// Associations and member associations of its kind, each focused on S&T
// fields by their codes of area.
func Associations() []AssociationSeed {
	const union = "associations/lien-hiep-hoi"
	a := func(id, name, short, code, parent string, fields ...string) AssociationSeed {
		return AssociationSeed{ID: id, Association: &pb.Association{DisplayName: name, ShortName: short, Code: code, Parent: parent, Fields: fields}}
	}
	return []AssociationSeed{
		a("lien-hiep-hoi", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh An Giang", "Liên hiệp hội", "LHH", ""),
		a("hoi-y-hoc", "Hội Y học tỉnh An Giang", "Hội Y học", "HYH", union, "fields/vn2008-3"),
		a("hoi-khoa-hoc-kinh-te", "Hội Khoa học Kinh tế tỉnh An Giang", "Hội KHKT", "HKT", union, "fields/vn2008-5"),
		a("hoi-tin-hoc", "Hội Tin học tỉnh An Giang", "Hội Tin học", "HTH", union, "fields/vn2008-102", "fields/vn2008-202"),
		a("hoi-nong-nghiep", "Hội Khoa học Nông nghiệp tỉnh An Giang", "Hội KHNN", "HNN", union, "fields/vn2008-4"),
		a("hoi-ky-thuat", "Hội Kỹ thuật và Công nghệ tỉnh An Giang", "Hội KT&CN", "HKC", union, "fields/vn2008-1", "fields/vn2008-2"),
		a("hoi-khoa-hoc-xa-hoi", "Hội Khoa học Xã hội và Nhân văn tỉnh An Giang", "Hội KHXH&NV", "HXH", union, "fields/vn2008-6"),
	}
}

// LoadMemberships creates the associations that are missing and registers
// about a third of the people in db that filter selects (every person when
// it is empty; an AIP-160 filter of ListPeople) as members of the
// association of their primary field's area, through MembershipService's
// store code (store.BulkRegisterMembers: the registration, approval and
// state changes of the API, a page of people per transaction): most
// approved, some pending, a few rejected, suspended or withdrawn. It
// returns how many memberships it registered.
func LoadMemberships(ctx context.Context, db *store.DB, seed uint64, filter string) (int, error) {
	byArea := map[string]string{}
	for _, a := range Associations() {
		_, err := db.CreateAssociation(ctx, a.Association, store.CreateOptions{ID: a.ID})
		var se *store.Error
		if err != nil && !(errors.As(err, &se) && se.Code == store.AlreadyExists) {
			return 0, fmt.Errorf("association %s: %w", a.ID, err)
		}
		for _, f := range a.Association.Fields {
			byArea[strings.TrimPrefix(f, "fields/vn2008-")[:1]] = "associations/" + a.ID
		}
	}
	// Registrations go to the store a batch at a time, in one transaction
	// each; the random draws are the same as one call at a time made.
	var batch []store.BulkMember
	registered := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := db.BulkRegisterMembers(ctx, batch); err != nil {
			return err
		}
		registered += len(batch)
		batch = batch[:0]
		return nil
	}
	r := rand.New(rand.NewPCG(seed, 0x6173736f63))
	q := store.ListQuery{PageSize: store.MaxPageSize, Filter: filter}
	for {
		people, page, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil {
			return registered, err
		}
		for _, p := range people {
			if len(p.Fields) == 0 || r.Float64() > 0.35 {
				continue
			}
			code := strings.TrimPrefix(p.Fields[0].Field, "fields/vn2008-")
			parent, ok := byArea[code[:1]]
			if !ok {
				continue
			}
			purposes := []pb.Consent_Purpose{pb.Consent_REGISTRY}
			if r.Float64() < 0.7 {
				purposes = append(purposes, pb.Consent_CONTACT)
			}
			m := store.BulkMember{Parent: parent, Registration: store.Registration{Person: p.Name,
				Consent: &pb.Consent{Purposes: purposes, TextVersion: "2025-01"}}}
			switch x := r.Float64(); {
			case x < 0.15: // pending
			case x < 0.2:
				m.Then = []store.BulkStep{{To: pb.Membership_REJECTED, Reason: "Hồ sơ chưa đủ điều kiện"}}
			default:
				m.Then = []store.BulkStep{{To: pb.Membership_ACTIVE}}
				switch x := r.Float64(); {
				case x < 0.05:
					m.Then = append(m.Then, store.BulkStep{To: pb.Membership_SUSPENDED, Reason: "Chưa đóng hội phí"})
				case x < 0.1:
					m.Then = append(m.Then, store.BulkStep{To: pb.Membership_WITHDRAWN, Reason: "Chuyển công tác"})
				}
			}
			batch = append(batch, m)
		}
		// The page's people are registered before the next page is read,
		// so that the listing and the writes do not overlap.
		if err := flush(); err != nil {
			return registered, err
		}
		if page.NextPageToken == "" {
			return registered, nil
		}
		q.PageToken = page.NextPageToken
	}
}
