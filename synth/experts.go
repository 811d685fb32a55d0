package synth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The Union's expert work for the demo (issue 17): works on the profiles
// of experts, pools by area, and two years of engagements.

type poolSeed struct {
	id, name, area string
}

var demoPools = []poolSeed{
	{"nong-nghiep", "Hội đồng tư vấn, phản biện nông nghiệp và thủy sản", "4"},
	{"y-duoc", "Hội đồng phản biện y dược", "3"},
	{"ky-thuat", "Hội đồng tư vấn kỹ thuật và công nghệ", "2"},
	{"xa-hoi", "Hội đồng giám định xã hội", "5"},
}

var demoMatters = []string{
	"Phản biện đề tài cấp tỉnh về giống lúa chịu mặn",
	"Tư vấn quy hoạch vùng nuôi tôm nước lợ",
	"Giám định xã hội đề án phát triển du lịch biển đảo",
	"Phản biện dự án nâng cấp bệnh viện đa khoa",
	"Tư vấn đề án chuyển đổi số cấp tỉnh",
	"Phản biện chương trình đào tạo nguồn nhân lực",
}

var demoWorks = []*pb.Work{
	{Kind: pb.Work_PUBLICATION, Title: "Đánh giá khả năng chịu mặn của các giống lúa ở Đồng bằng sông Cửu Long", Venue: "Tạp chí Khoa học Đại học Cần Thơ"},
	{Kind: pb.Work_TASK, Title: "Nghiên cứu mô hình canh tác lúa – tôm bền vững", Level: pb.Work_PROVINCE, DocumentNumber: "1234/QĐ-UBND"},
	{Kind: pb.Work_PATENT, Title: "Quy trình sản xuất chế phẩm vi sinh xử lý nước ao nuôi", DocumentNumber: "1-0031234"},
	{Kind: pb.Work_INITIATIVE, Title: "Sáng kiến số hóa hồ sơ bệnh án tại tuyến huyện", Level: pb.Work_PROVINCE, DocumentNumber: "56/QĐ-HĐSK"},
	{Kind: pb.Work_TASK, Title: "Điều tra nguồn lợi thủy sản ven biển", Level: pb.Work_MINISTRY, DocumentNumber: "789/QĐ-BNN"},
}

// LoadExperts gives available people with a field (all who declare an
// expert role, half of the rest) works and a
// consent to publish their expert profile, puts them into the Union's
// pools by the area of their primary field, and records engagements over
// the two years before now. It needs LoadMemberships' associations.
func LoadExperts(ctx context.Context, db *store.DB, seed uint64, now time.Time) error {
	const union = "associations/lien-hiep-hoi"
	// The campaign's year and deadline are the province's, as the store
	// checks them: at 18:00 UTC on 31 December it is already next year.
	now = now.In(store.Vietnam)
	r := rand.New(rand.NewPCG(seed, 0x6578706572))
	members := map[string][]string{}
	for _, ps := range demoPools {
		_, err := db.CreateExpertPool(ctx, union, &pb.ExpertPool{DisplayName: ps.name, Fields: []string{"fields/vn2008-" + ps.area},
			Roles: []pb.Person_ExpertRole{pb.Person_CONSULTING, pb.Person_CRITIQUE, pb.Person_SOCIAL_ASSESSMENT}}, store.CreateOptions{ID: ps.id})
		if err != nil && !isCode(err, store.AlreadyExists) {
			return fmt.Errorf("pool %s: %w", ps.id, err)
		}
	}
	q := store.ListQuery{PageSize: store.MaxPageSize, Filter: "availability = AVAILABLE"}
	for {
		people, page, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil {
			return err
		}
		for _, p := range people {
			if len(p.Fields) == 0 || (len(p.ExpertRoles) == 0 && r.Float64() < 0.5) {
				continue
			}
			// Works come after the first degree (at 22, as Profile has
			// it): a young expert has fewer years of them, or none yet.
			first := p.GetBirthDate().GetYear() + 22
			for i := range 1 + r.IntN(3) {
				w := proto.Clone(demoWorks[r.IntN(len(demoWorks))]).(*pb.Work)
				w.Year = max(first, int32(now.Year()-1-r.IntN(10)-i))
				if w.Kind == pb.Work_PUBLICATION {
					w.Doi = fmt.Sprintf("10.22144/ctu.%d.%d", w.Year, r.IntN(1000))
				}
				if w.Year > int32(now.Year()-1) {
					continue
				}
				if _, err := db.CreateWork(ctx, p.Name, w, store.CreateOptions{}); err != nil && !isCode(err, store.Invalid) {
					return fmt.Errorf("work of %s: %w", p.Name, err)
				}
			}
			area := strings.TrimPrefix(p.Fields[0].Field, "fields/vn2008-")[:1]
			pool := ""
			for _, ps := range demoPools {
				if ps.area == area {
					pool = union + "/expertPools/" + ps.id
				}
			}
			if pool == "" || len(members[pool]) >= 25 {
				continue
			}
			if _, err := db.CreateConsent(ctx, p.Name, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_PUBLICATION},
				TextVersion: "2025-01"}, nil); err != nil {
				return fmt.Errorf("consent of %s: %w", p.Name, err)
			}
			if _, err := db.CreateExpertPoolMember(ctx, pool, &pb.ExpertPoolMember{Person: p.Name, Role: roleOf(p)}, store.CreateOptions{}); err != nil {
				return fmt.Errorf("member %s: %w", p.Name, err)
			}
			members[pool] = append(members[pool], p.Name)
		}
		if page.NextPageToken == "" {
			break
		}
		q.PageToken = page.NextPageToken
	}
	if err := loadCampaign(ctx, db, now, members); err != nil {
		return err
	}
	for pool, people := range members {
		for i := range min(len(people), 12) {
			start := now.AddDate(0, -r.IntN(24), -r.IntN(28))
			e := &pb.Engagement{Person: people[r.IntN(len(people))], MatterTitle: demoMatters[r.IntN(len(demoMatters))],
				RequestingAgency: "Sở Khoa học và Công nghệ", DecisionNumber: fmt.Sprintf("%d/QĐ-LHH", 10+i),
				Role: pb.Person_ExpertRole(1 + r.IntN(3)), StartDate: &date.Date{Year: int32(start.Year()), Month: int32(start.Month()), Day: int32(start.Day())}}
			if start.Before(now.AddDate(0, -2, 0)) {
				e.Outcome, e.Rating = "Hoàn thành", int32(3+r.IntN(3))
			}
			if _, err := db.CreateEngagement(ctx, pool, e, store.CreateOptions{}); err != nil {
				return fmt.Errorf("engagement in %s: %w", pool, err)
			}
		}
	}
	return nil
}

func isCode(err error, code store.Code) bool {
	var se *store.Error
	return errors.As(err, &se) && se.Code == code
}

func roleOf(p *pb.Person) pb.Person_ExpertRole {
	if len(p.ExpertRoles) > 0 {
		return p.ExpertRoles[0]
	}
	return pb.Person_CONSULTING
}

// loadCampaign opens this year's campaign, nominates the first experts
// of each pool, shortlists some and selects one within the quota.
func loadCampaign(ctx context.Context, db *store.DB, now time.Time, members map[string][]string) error {
	c, err := db.CreateHonorCampaign(ctx, &pb.HonorCampaign{DisplayName: fmt.Sprintf("Trí thức tiêu biểu tỉnh An Giang năm %d", now.Year()),
		Year: int32(now.Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 3, Issuer: "UBND tỉnh An Giang",
		NominationDeadline: &date.Date{Year: int32(now.Year()), Month: 12, Day: 31}}, store.CreateOptions{ID: fmt.Sprintf("tieu-bieu-%d", now.Year())})
	if isCode(err, store.AlreadyExists) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("campaign: %w", err)
	}
	i := 0
	for _, ps := range demoPools {
		for _, person := range members["associations/lien-hiep-hoi/expertPools/"+ps.id][:min(2, len(members["associations/lien-hiep-hoi/expertPools/"+ps.id]))] {
			n, err := db.CreateNomination(ctx, c.Name, &pb.Nomination{Person: person, Nominator: "Liên hiệp các Hội KH&KT tỉnh",
				Reason: "Nhiều đóng góp tư vấn, phản biện cho tỉnh"}, store.CreateOptions{})
			if err != nil {
				return fmt.Errorf("nomination: %w", err)
			}
			switch i % 3 {
			case 0:
				if _, err := db.ReviewNomination(ctx, n.Name, pb.Nomination_SHORTLISTED, "Đủ tiêu chuẩn", "", nil); err != nil {
					return err
				}
				if i == 0 {
					if _, err := db.SelectNomination(ctx, n.Name, fmt.Sprintf("%d/QĐ-UBND", 100+i), "", true, nil); err != nil {
						return err
					}
				}
			case 1:
				if _, err := db.ReviewNomination(ctx, n.Name, pb.Nomination_SHORTLISTED, "Đủ tiêu chuẩn", "", nil); err != nil {
					return err
				}
			}
			i++
		}
	}
	return nil
}
