package restv3_test

import (
	"testing"

	"github.com/openimis-go/openimis/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
