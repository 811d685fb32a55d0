// Package trithuc is the database service for a province's intellectual
// workforce. The code lives in the packages below this one (see README.md);
// this package holds only the checks that keep the repository itself in
// order: formatting, vet, and the README telling the truth about CI.
package trithuc
