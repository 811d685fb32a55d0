package server

import (
	"context"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

type referenceService struct {
	pb.UnimplementedReferenceServiceServer
	db *store.DB
}

// pageRequest is what every reference List request has; the lists take no
// filter string, but dedicated fields.
type pageRequest interface {
	GetPageSize() int32
	GetPageToken() string
}

func pageQuery(req pageRequest) store.ListQuery {
	return store.ListQuery{PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken()}
}

func (s *referenceService) ListQualificationLevels(ctx context.Context, req *pb.ListQualificationLevelsRequest) (*pb.ListQualificationLevelsResponse, error) {
	items, page, err := s.db.ListQualificationLevels(ctx, pageQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListQualificationLevelsResponse{QualificationLevels: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *referenceService) GetQualificationLevel(ctx context.Context, req *pb.GetQualificationLevelRequest) (*pb.QualificationLevel, error) {
	out, err := s.db.GetQualificationLevel(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *referenceService) ListAcademicTitles(ctx context.Context, req *pb.ListAcademicTitlesRequest) (*pb.ListAcademicTitlesResponse, error) {
	items, page, err := s.db.ListAcademicTitles(ctx, pageQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListAcademicTitlesResponse{AcademicTitles: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *referenceService) GetAcademicTitle(ctx context.Context, req *pb.GetAcademicTitleRequest) (*pb.AcademicTitle, error) {
	out, err := s.db.GetAcademicTitle(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *referenceService) ListFields(ctx context.Context, req *pb.ListFieldsRequest) (*pb.ListFieldsResponse, error) {
	items, page, err := s.db.ListFields(ctx, store.FieldQuery{
		ListQuery: pageQuery(req),
		Scheme:    req.GetScheme(),
		Parent:    req.GetParent(),
		Level:     int(req.GetLevel()),
	})
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListFieldsResponse{Fields: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *referenceService) GetField(ctx context.Context, req *pb.GetFieldRequest) (*pb.Field, error) {
	out, err := s.db.GetField(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *referenceService) ListEthnicGroups(ctx context.Context, req *pb.ListEthnicGroupsRequest) (*pb.ListEthnicGroupsResponse, error) {
	items, page, err := s.db.ListEthnicGroups(ctx, pageQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListEthnicGroupsResponse{EthnicGroups: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *referenceService) GetEthnicGroup(ctx context.Context, req *pb.GetEthnicGroupRequest) (*pb.EthnicGroup, error) {
	out, err := s.db.GetEthnicGroup(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *referenceService) ListCountries(ctx context.Context, req *pb.ListCountriesRequest) (*pb.ListCountriesResponse, error) {
	items, page, err := s.db.ListCountries(ctx, pageQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListCountriesResponse{Countries: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *referenceService) GetCountry(ctx context.Context, req *pb.GetCountryRequest) (*pb.Country, error) {
	out, err := s.db.GetCountry(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *referenceService) ListAdministrativeUnits(ctx context.Context, req *pb.ListAdministrativeUnitsRequest) (*pb.ListAdministrativeUnitsResponse, error) {
	items, page, err := s.db.ListAdministrativeUnits(ctx, store.UnitQuery{
		ListQuery:   store.ListQuery{PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken(), Filter: req.GetFilter(), OrderBy: req.GetOrderBy()},
		ParentCode:  req.GetParentCode(),
		Kind:        req.GetKind(),
		AsOf:        req.GetAsOf(),
		ShowHistory: req.GetShowHistory(),
	})
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListAdministrativeUnitsResponse{AdministrativeUnits: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *referenceService) GetAdministrativeUnit(ctx context.Context, req *pb.GetAdministrativeUnitRequest) (*pb.AdministrativeUnit, error) {
	out, err := s.db.GetAdministrativeUnit(ctx, req.GetName(), req.GetAsOf())
	return out, grpcError(ctx, err)
}

func (s *referenceService) ListSectors(ctx context.Context, req *pb.ListSectorsRequest) (*pb.ListSectorsResponse, error) {
	items, page, err := s.db.ListSectors(ctx, pageQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListSectorsResponse{Sectors: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *referenceService) GetSector(ctx context.Context, req *pb.GetSectorRequest) (*pb.Sector, error) {
	out, err := s.db.GetSector(ctx, req.GetName())
	return out, grpcError(ctx, err)
}
