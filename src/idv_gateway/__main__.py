"""`python -m idv_gateway` is the `idv-gateway` command."""

from idv_gateway.cli import main

raise SystemExit(main())
