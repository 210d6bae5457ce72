import WardenSQLCore
import Testing
import WardenPluginSDK
@testable import WardenPostgres

@Suite("Foreign keys: the tables a write reaches")
struct ForeignKeyGraphTests {
    /// customers ← payments (ON DELETE CASCADE) ← refunds (SET NULL);
    /// customers ← notes (NO ACTION); billing.accounts ← billing.invoices (CASCADE).
    static func graph() -> ForeignKeyGraph {
        var graph = ForeignKeyGraph()
        for row in [
            ["public", "customers", "public", "payments", "c", "a"],
            ["public", "payments", "public", "refunds", "n", "a"],
            ["public", "customers", "public", "notes", "a", "a"],
            ["billing", "accounts", "billing", "invoices", "a", "c"],
        ] {
            graph.add(row: row.map { ArraySlice($0.utf8) })
        }
        return graph
    }

    @Test func aWriteReachesCascadingTablesTransitively() {
        #expect(Self.graph().reached(from: ["customers"], truncating: false) == ["public.payments", "public.refunds"])
        #expect(Self.graph().reached(from: ["public.Customers"], truncating: false) == ["public.payments", "public.refunds"])
        #expect(Self.graph().reached(from: ["billing.accounts"], truncating: false) == ["billing.invoices"])
        #expect(Self.graph().reached(from: ["notes"], truncating: false).isEmpty)
    }

    @Test func truncateReachesEveryReferencingTable() {
        #expect(Set(Self.graph().reached(from: ["customers"], truncating: true))
            == ["public.payments", "public.refunds", "public.notes"])
    }

    @Test func onlyWritingActionsAreExpanded() {
        let graph = Self.graph()
        var delete = SQLClassifier.classify("DELETE FROM customers WHERE id = 1").action(for: "DELETE FROM customers WHERE id = 1")
        graph.expand(&delete)
        #expect(delete.targets == ["customers", "public.payments", "public.refunds"])
        #expect(delete.attributes.contains { $0 == (key: "cascades_to", value: "public.payments,public.refunds") })
        var read = SQLClassifier.classify("SELECT * FROM customers").action(for: "SELECT * FROM customers")
        graph.expand(&read)
        #expect(read.targets == ["customers"])
    }

    /// Red team: `orders.public.customers` is the same table.
    @Test func aCatalogQualifiedNameReachesTheSameTables() {
        #expect(Self.graph().reached(from: ["orders.public.customers"], truncating: false)
            == ["public.payments", "public.refunds"])
    }
}
