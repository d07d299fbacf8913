// Finding a model's parameters by reflection: the standard library's
// `_forEachFieldWithKeyPath` (SPI, present since Swift 5.2 on every platform) yields each
// stored property's name and key path, which a value-level `Mirror` cannot. It is the one
// use of reflection; a model that implements `parameterPaths` itself never reaches it.

@_spi(Reflection) import Swift

enum ModuleReflection {
    /// The tensors and nested modules of `root`, in declaration order.
    static func parameterPaths<Root: Module>(of root: Root) -> [ParameterPath<Root>] {
        var paths: [ParameterPath<Root>] = []
        // classType (1 << 0) and ignoreUnknown (1 << 1), spelled by value: the standard
        // library declares the named options as mutable statics, which Swift 6 rejects.
        let options = _EachFieldOptions(rawValue: Root.self is AnyClass ? 0b11 : 0b10)
        _ = _forEachFieldWithKeyPath(of: Root.self, options: options) { cName, partial in
            let name = String(cString: cName)
            let value = root[keyPath: partial]
            if value is Tensor<Root.Scalar> {
                paths.append(ParameterPath(name: name, keyPath: writable(partial, name: name)))
            } else if let tensors = value as? [Tensor<Root.Scalar>] {
                let path: WritableKeyPath<Root, [Tensor<Root.Scalar>]> = writable(partial, name: name)
                for i in tensors.indices {
                    paths.append(
                        ParameterPath(
                            name: "\(name).\(i)", read: { $0[keyPath: path][i] },
                            modify: { root, body in body(&root[keyPath: path][i]) }))
                }
            } else if let module = value as? any Module {
                paths += nested(module, at: partial, name: name)
            } else if let modules = value as? [any Module], let first = modules.first {
                paths += nestedArray(first, in: root, at: partial, name: name)
            }
            return true
        }
        return paths
    }

    static func writable<Root, Value>(_ partial: PartialKeyPath<Root>, name: String) -> WritableKeyPath<Root, Value> {
        guard let path = partial as? WritableKeyPath<Root, Value> else {
            wengertModuleInvalid(
                "\(Root.self).\(name) is a `let` (or an array of modules of different types); make it a `var` "
                    + "of one type so optimisers can update it, or implement parameterPaths.")
        }
        return path
    }

    static func nested<Root: Module, Child: Module>(_ child: Child, at partial: PartialKeyPath<Root>, name: String)
        -> [ParameterPath<Root>]
    {
        guard Child.Scalar.self == Root.Scalar.self else { return [] }
        let path: WritableKeyPath<Root, Child> = writable(partial, name: name)
        return child.parameterPaths.map { p in
            let inner: ParameterPath<Child> = p
            return ParameterPath<Root>(
                name: name + "." + inner.name, read: { sameType(inner.read($0[keyPath: path])) },
                modify: { root, body in inner.modify(&root[keyPath: path]) { tensor in sameTypeInPlace(&tensor, body) } })
        }
    }

    static func nestedArray<Root: Module, Child: Module>(
        _ first: Child, in root: Root, at partial: PartialKeyPath<Root>, name: String
    ) -> [ParameterPath<Root>] {
        guard Child.Scalar.self == Root.Scalar.self else { return [] }
        let path: WritableKeyPath<Root, [Child]> = writable(partial, name: name)
        var paths: [ParameterPath<Root>] = []
        // Each element lists its own parameters: layers in an array may differ in shape.
        for (i, element) in root[keyPath: path].enumerated() {
            for inner in element.parameterPaths {
                paths.append(
                    ParameterPath<Root>(
                        name: "\(name).\(i).\(inner.name)", read: { sameType(inner.read($0[keyPath: path][i])) },
                        modify: { root, body in
                            inner.modify(&root[keyPath: path][i]) { tensor in sameTypeInPlace(&tensor, body) }
                        }))
            }
        }
        return paths
    }
}

/// `value` as `To`, a type known (by a run-time check of the scalar types) to be its own.
func sameType<From, To>(_ value: From) -> To { value as Any as! To }

/// Runs `body` on `value` seen as `To`, the same type (see ``sameType(_:)``). The value
/// moves out and back, so a tensor's storage stays uniquely referenced.
func sameTypeInPlace<From, To>(_ value: inout From, _ body: (inout To) -> Void) {
    var converted: To = sameType(value)
    body(&converted)
    value = sameType(converted)
}

@inline(never) @usableFromInline
func wengertModuleInvalid(_ message: String) -> Never {
    fatalError("Wengert: \(message)")
}
