import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

/**
 * A realistic PostgreSQL JDBC workload through Warden, with the driver's
 * defaults (a statement becomes a named server-side one on its fifth run, with
 * binary transfer): types, transactions with a savepoint, a batch (several
 * Bind/Execute before one Sync), COPY both ways with CopyManager,
 * LISTEN/NOTIFY, and refusals. JDBCGatewayTests covers the driver's metadata
 * queries and masking.
 *
 * Usage: java -cp postgresql.jar JdbcWorkload.java HOST PORT DATABASE TOKEN
 * Prints one line per step for the Swift test to check; exits non-zero on an
 * unexpected error.
 */
public class JdbcWorkload {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
        Properties properties = new Properties();
        properties.setProperty("user", "alice");
        properties.setProperty("password", args[3]);
        properties.setProperty("sslmode", "require");
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            workload(connection);
        }
        try (Connection listener = DriverManager.getConnection(url, properties);
                Connection notifier = DriverManager.getConnection(url, properties)) {
            notifications(listener, notifier);
        }
    }

    static void workload(Connection connection) throws Exception {
        // A prepared statement run past the driver's threshold: named on the server, binary results.
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT name, created FROM driver_people WHERE id = ?")) {
            for (int run = 0; run < 6; run++) {
                query.setInt(1, run % 2 + 1);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    names.add(row.getString(1) + "@" + row.getTimestamp(2).toInstant());
                }
            }
        }
        System.out.println("prepared " + names);
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT raw, tag, doc, scores, ratio, ok, day, price FROM driver_types WHERE id = ?")) {
            String last = "";
            for (int run = 0; run < 6; run++) {
                query.setInt(1, 1);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    Array scores = row.getArray(4);
                    last = List.of(HexFormat.of().formatHex(row.getBytes(1)), row.getObject(2).toString(), row.getString(3),
                            Arrays.toString((Integer[]) scores.getArray()), String.valueOf(row.getDouble(5)),
                            String.valueOf(row.getBoolean(6)), row.getDate(7).toString(), row.getBigDecimal(8).toPlainString()).toString();
                }
            }
            System.out.println("types " + last);
        }

        // Transactions: a commit, a rollback, and a savepoint rolled back to.
        connection.setAutoCommit(false);
        try (PreparedStatement update = connection.prepareStatement("UPDATE driver_people SET balance = balance + ? WHERE id = ?")) {
            update.setBigDecimal(1, new java.math.BigDecimal("1"));
            update.setInt(2, 1);
            update.executeUpdate();
            connection.commit();
            update.setBigDecimal(1, new java.math.BigDecimal("-20"));
            update.setInt(2, 2);
            update.executeUpdate();
            connection.rollback();
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO driver_log (note) VALUES ('outer')");
            Savepoint savepoint = connection.setSavepoint();
            statement.executeUpdate("INSERT INTO driver_log (note) VALUES ('savepoint')");
            connection.rollback(savepoint);
            connection.commit();
        }
        // A batch: the driver sends every Bind/Execute before one Sync.
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO driver_log (note) VALUES (?)")) {
            for (String note : List.of("a", "b")) {
                insert.setString(1, note);
                insert.addBatch();
            }
            System.out.println("batch " + Arrays.toString(insert.executeBatch()));
            connection.commit();
        }
        System.out.println("balances " + column(connection, "SELECT balance FROM driver_people ORDER BY id"));
        connection.commit();

        // COPY both ways.
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        System.out.println("copied in " + copy.copyIn("COPY driver_log (note) FROM STDIN", new StringReader("c\nd\n")));
        connection.commit();
        StringWriter out = new StringWriter();
        long copied = copy.copyOut("COPY (SELECT note FROM driver_log ORDER BY note) TO STDOUT WITH (FORMAT csv)", out);
        System.out.println("copied out " + copied + " " + out.toString().replace("\n", "|"));
        connection.commit();

        // Refusals arrive as SQLExceptions with their SQLSTATE; after a
        // rollback the connection goes on.
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO driver_log (note) VALUES ('rolled back')");
            statement.execute("DROP TABLE driver_people");
            System.out.println("refused no");
        } catch (SQLException error) {
            System.out.println("refused " + error.getSQLState() + " " + error.getMessage().lines().findFirst().orElse(""));
        }
        connection.rollback();
        try (PreparedStatement refused = connection.prepareStatement("CREATE TABLE driver_intruder AS SELECT ?::int AS id")) {
            refused.setInt(1, 1);
            refused.execute();
            System.out.println("refused with parameters no");
        } catch (SQLException error) {
            System.out.println("refused with parameters " + error.getSQLState());
        }
        connection.rollback();
        // A batch with a refused statement in it fails whole.
        connection.setAutoCommit(true);
        try (Statement batch = connection.createStatement()) {
            batch.addBatch("INSERT INTO driver_log (note) VALUES ('batched before')");
            batch.addBatch("ALTER TABLE driver_log ADD COLUMN extra int");
            batch.addBatch("INSERT INTO driver_log (note) VALUES ('batched after')");
            batch.executeBatch();
            System.out.println("batch refused no");
        } catch (BatchUpdateException error) {
            System.out.println("batch refused " + error.getSQLState());
        }
        System.out.println("still there " + column(connection, "SELECT count(*) FROM driver_people") + " "
                + column(connection, "SELECT note FROM driver_log WHERE note IN ('rolled back', 'batched before', 'batched after')"));
    }

    static void notifications(Connection listener, Connection notifier) throws Exception {
        try (Statement statement = listener.createStatement()) {
            statement.execute("LISTEN driver_events");
        }
        try (PreparedStatement notify = notifier.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, "driver_events");
            notify.setString(2, "from jdbc");
            notify.execute();
        }
        try (Statement statement = notifier.createStatement()) {
            statement.execute("NOTIFY driver_events, 'second'");
        }
        List<String> received = new ArrayList<>();
        PGConnection pg = listener.unwrap(PGConnection.class);
        for (int attempt = 0; attempt < 10 && received.size() < 2; attempt++) {
            PGNotification[] notifications = pg.getNotifications(1000);
            for (PGNotification notification : notifications == null ? new PGNotification[0] : notifications) {
                received.add(notification.getName() + ":" + notification.getParameter());
            }
        }
        System.out.println("notified " + received);
    }

    static List<String> column(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
