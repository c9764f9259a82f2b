package breaker

import "reflect"

// isNil reports whether v is a nil interface or an interface holding a nil
// pointer, map, slice, func or channel (a typed nil, such as a
// (*KillSwitch)(nil) passed as a HaltSource), which would panic on its
// first method call.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
