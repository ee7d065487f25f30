package directives

func flag() {}

func findings() {
	flag() // want "flagged"

	flag() //bplint:ignore fanout/timeout-leak the receiver always drains

	//bplint:ignore fanout/timeout-leak the line above counts too
	flag()

	//bplint:ignore fanout a whole analyzer can be named
	flag()

	//bplint:ignore lockedsend,fanout/timeout-leak a list of names
	flag()

	/* want "needs a reason" */ //bplint:ignore fanout/timeout-leak
	flag()

	/* want "unused //bplint:ignore directive: no fanout/timeout-leak finding here" */ //bplint:ignore fanout/timeout-leak nothing to suppress

	/* want `names "fannout/timeout-leak", which is not a bplint analyzer` */ //bplint:ignore fannout/timeout-leak typo
	flag() // want "flagged"

	/* want `names "fanout/timeout-leek", which is not a rule of fanout` */ //bplint:ignore fanout/timeout-leek typo
	flag() // want "flagged"

	/* want "unknown directive //bplint:ignroe" */ //bplint:ignroe fanout/timeout-leak typo
	flag() // want "flagged"

	//bplint:ignore lockedsend/send-under-lock another analyzer's directive is not fanout's concern
	flag() // want "flagged"

	/* want "unused" */ //bplint:ignore fanout/timeout-leak two lines above is too far

	flag() // want "flagged"

	//bplint:mustcheck is a declaration marker, not a suppression
	flag() // want "flagged"
}
