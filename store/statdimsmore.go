package store

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// The dimensions of where people work and what they are recognised for:
// ORGANIZATION, ASSOCIATION, HONOR_KIND, HONOR_YEAR, EXPERT_ROLE. Each
// gives one value per person, so that every person is in one row.

// topOrganizations is how many organizations ORGANIZATION reports by name;
// the rest are counted together as otherOrganizations.
const (
	topOrganizations   = 20
	otherOrganizations = "~other"
)

// namedDim reports resource names, labelled by their display names and
// in their Vietnamese order.
func namedDim(kind Dimension, expr string, names map[string]string) *statDim {
	name := func(v string) string { return names[v] }
	byName := byNameOrder(name)
	return &statDim{
		kind: kind, expr: expr, lookup: true,
		value: asString,
		name:  name,
		order: func(v string) (int, string) {
			if v == otherOrganizations {
				return unknownLast - 1, ""
			}
			return byName(v)
		},
	}
}

// byNameOrder orders values by the Vietnamese collation of their names
// (then by value, for two of one name), "" last: rows of organizations or
// units read as official lists do, "Trạm" before "Trường", where code or
// id order means nothing to a reader. Each value's key is worked out once.
func byNameOrder(name func(string) string) func(string) (int, string) {
	var mu sync.Mutex
	keys := map[string]string{}
	return func(v string) (int, string) {
		if v == "" {
			return unknownLast, ""
		}
		mu.Lock()
		defer mu.Unlock()
		k, ok := keys[v]
		if !ok {
			k = string(vntext.SortKey(name(v), v))
			keys[v] = k
		}
		return 0, k
	}
}

// resourceNames reads the display names of a table's rows by resource name.
func (tx *Tx) resourceNames(ctx context.Context, table, collection string) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, display_name FROM `+table)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, dbError(err)
		}
		names[collection+"/"+id] = name
	}
	return names, dbError(rows.Err())
}

// organizationDimension reports the organization of the position held on
// the day (the current one without as_of), the largest by name.
func (tx *Tx) organizationDimension(ctx context.Context, on statsDay) (*statDim, error) {
	names, err := tx.resourceNames(ctx, "organizations", "organizations")
	if err != nil {
		return nil, err
	}
	expr := on.held(`IFNULL((SELECT IFNULL('organizations/' || o.id, '') FROM positions c LEFT JOIN organizations o ON o.pk = c.organization_pk
		WHERE c.person_pk = p.pk AND c.is_current = 1 ORDER BY c.start_date DESC, c.pk DESC LIMIT 1), '')`,
		on.positionOn("IFNULL('organizations/' || ho.id, '')", "''"))
	d := namedDim(pb.ComputeStatisticsRequest_ORGANIZATION, expr, names)
	d.top = topOrganizations
	return d, nil
}

// associationDimension reports the association of the membership active on
// the day, the first applied to.
func (tx *Tx) associationDimension(ctx context.Context, on statsDay) (*statDim, error) {
	names, err := tx.resourceNames(ctx, "associations", "associations")
	if err != nil {
		return nil, err
	}
	active := "m.state = " + membershipLive
	if on.dated {
		active = "m.apply_time < " + on.end() + " AND " + on.membershipStateOn("m") + " = " + membershipLive
	}
	expr := `IFNULL((SELECT 'associations/' || a.id FROM memberships m JOIN associations a ON a.pk = m.association_pk
		WHERE m.person_pk = p.pk AND ` + active + ` ORDER BY m.apply_time, m.pk LIMIT 1), '')`
	return namedDim(pb.ComputeStatisticsRequest_ASSOCIATION, expr, names), nil
}

// latestHonor is a column of the person's latest honour by the day.
func latestHonor(on statsDay, col, def string) string {
	held := ""
	if on.dated {
		held = " AND " + on.heldHonor("h")
	}
	return "IFNULL((SELECT " + col + " FROM honors h WHERE h.person_pk = p.pk" + held + " ORDER BY h.year DESC, h.kind LIMIT 1), " + def + ")"
}

func honorKindDimension(on statsDay) *statDim {
	d := enumDim(pb.ComputeStatisticsRequest_HONOR_KIND, latestHonor(on, "h.kind", "0"), pb.Honor_Kind(0).Descriptor())
	d.lookup = true
	return d
}

func honorYearDimension(on statsDay) *statDim {
	return &statDim{
		kind: pb.ComputeStatisticsRequest_HONOR_YEAR, lookup: true,
		expr:  latestHonor(on, "CASE WHEN h.year = 0 THEN '' ELSE h.year END", "''"),
		value: asString,
		order: byText,
	}
}

// expertRoleDimension reports a person's expert roles together: SQL reads
// them as a bit set (role n is bit n-1), Go names it.
func expertRoleDimension() *statDim {
	ed := pb.Person_ExpertRole(0).Descriptor()
	names := func(raw string) []string {
		mask, _ := strconv.Atoi(raw)
		var out []string
		for n := 1; mask>>(n-1) != 0; n++ {
			if mask&(1<<(n-1)) == 0 {
				continue
			}
			if ev := ed.Values().ByNumber(protoreflect.EnumNumber(n)); ev != nil {
				out = append(out, string(ev.Name()))
			} else {
				out = append(out, strconv.Itoa(n))
			}
		}
		return out
	}
	rank := map[string]int{}
	return &statDim{
		kind: pb.ComputeStatisticsRequest_EXPERT_ROLE, lookup: true,
		expr: "(SELECT IFNULL(SUM(1 << (r.role - 1)), 0) FROM person_expert_roles r WHERE r.person_pk = p.pk AND r.role BETWEEN 1 AND 30)",
		value: func(raw string) string {
			v := strings.Join(names(raw), "+")
			rank[v], _ = strconv.Atoi(raw)
			return v
		},
		order: func(v string) (int, string) {
			if v == "" {
				return unknownLast, ""
			}
			return rank[v], v
		},
	}
}
