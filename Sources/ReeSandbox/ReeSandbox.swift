// ReeSandbox
