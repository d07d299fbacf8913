// The programmer errors of forward mode. Each stops through `fatalError`, whose message
// survives release builds, in a cold out-of-line function so that the checks cost the
// hot paths one well-predicted branch.

/// Stops a call made at an empty point.
@usableFromInline @inline(never)
func forwardEmptyInput(_ function: StaticString) -> Never {
    fatalError("""
        Wengert: \(function) was called at an empty point (0 inputs); a derivative needs \
        at least one input variable.
        """)
}

/// Stops a Jacobian-vector product whose direction does not match the point.
@usableFromInline @inline(never)
func forwardDirectionLength(_ function: StaticString, point: Int, direction: Int) -> Never {
    fatalError("""
        Wengert: \(function): the direction has \(direction) entries but the point has \
        \(point); they must have the same length.
        """)
}

/// Stops a Jacobian whose function changed its number of outputs between sweeps.
@usableFromInline @inline(never)
func forwardOutputCountChanged(_ function: StaticString, first: Int, now: Int, sweepStart: Int) -> Never {
    fatalError("""
        Wengert: \(function): the function returned \(first) outputs on the first sweep but \
        \(now) on the sweep seeding input \(sweepStart); the number of outputs must not \
        depend on which inputs are seeded.
        """)
}
