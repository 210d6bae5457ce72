/// The table and columns of `COPY table [(columns)] TO STDOUT`, so that
/// masking rules on columns apply to its rows, which carry no names.
enum CopyStatement {
    /// nil for anything else, including `COPY (query) TO STDOUT`, whose rows
    /// only the content detectors see.
    static func target(of sql: String) -> (table: String, columns: [String])? {
        guard let tokens = try? SQLTokenizer().tokenize(sql) else { return nil }
        // The COPY in a multi-statement message, if any.
        guard let start = tokens.indices.first(where: { index in
            tokens[index].isWord("copy") && (index == 0 || tokens[index - 1].isSymbol(";"))
        }) else { return nil }
        var index = start + 1
        var nameParts: [String] = []
        while index < tokens.count, tokens[index].isIdentifierLike {
            nameParts.append(tokens[index].value)
            index += 1
            guard index < tokens.count, tokens[index].isSymbol(".") else { break }
            index += 1
        }
        guard !nameParts.isEmpty else { return nil }
        var columns: [String] = []
        if index < tokens.count, tokens[index].isSymbol("(") {
            index += 1
            while index < tokens.count, !tokens[index].isSymbol(")") {
                if tokens[index].isIdentifierLike { columns.append(tokens[index].value) }
                index += 1
            }
            index += 1
        }
        guard index < tokens.count, tokens[index].isWord("to") else { return nil }
        return (nameParts.joined(separator: "."), columns)
    }
}
