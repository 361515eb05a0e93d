module spatialstore

go 1.26

require (
	github.com/tidwall/buntdb v1.3.2
	github.com/tidwall/gjson v1.20.2
	github.com/tidwall/sjson v1.2.9
)

require (
	github.com/tidwall/btree v1.4.2 // indirect
	github.com/tidwall/grect v0.1.4 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.3.0 // indirect
	github.com/tidwall/rtred v0.1.2 // indirect
	github.com/tidwall/tinyqueue v0.1.1 // indirect
)
