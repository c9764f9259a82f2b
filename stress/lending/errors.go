package lending

import "github.com/failsafe-fi/failsafe/stress"

// errNotConserved is stress.ErrNotConserved: a broken conservation line.
var errNotConserved = stress.ErrNotConserved
