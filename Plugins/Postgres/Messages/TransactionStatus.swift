/// The transaction status a ReadyForQuery carries.
enum TransactionStatus: UInt8, Equatable, Sendable {
    case idle = 73  // 'I'
    case inTransaction = 84  // 'T'
    case failed = 69  // 'E'
}
