// Package e2e drives the whole program through a real browser: it starts the demo scheme
// in-process, opens it in headless Chromium and checks what a person sees, including layout and
// accessibility. The package has no code of its own outside its tests.
package e2e
