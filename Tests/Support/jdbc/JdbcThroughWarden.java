import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Drives the PostgreSQL JDBC driver through Warden the way an application
 * does: sign-in with the token as password over TLS, the driver's own startup
 * and metadata queries, a server-side prepared statement run several times,
 * a transaction, and a statement the policy refuses. Prints one line per
 * check for the Swift test to read.
 *
 * Usage: java -cp postgresql.jar JdbcThroughWarden.java HOST PORT DATABASE TOKEN [binaryTransfer]
 */
public class JdbcThroughWarden {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
        Properties properties = new Properties();
        properties.setProperty("user", "alice");
        properties.setProperty("password", args[3]);
        properties.setProperty("sslmode", "require");
        // Named server-side statements from the first execution, as a busy application has.
        properties.setProperty("prepareThreshold", "1");
        if (args.length > 4) {
            properties.setProperty("binaryTransfer", args[4]);
        }
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            DatabaseMetaData metadata = connection.getMetaData();
            System.out.println("server " + metadata.getDatabaseProductName());
            try (ResultSet tables = metadata.getTables(null, "public", "jdbc_people", new String[] {"TABLE"})) {
                System.out.println("table " + (tables.next() ? tables.getString("TABLE_NAME") : "-"));
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id, name, email, balance FROM jdbc_people WHERE id = ?")) {
                for (int run = 1; run <= 3; run++) {
                    query.setInt(1, 1);
                    try (ResultSet row = query.executeQuery()) {
                        row.next();
                        System.out.println("row " + run + " " + row.getInt(1) + "|" + row.getString(2) + "|"
                                + row.getString(3) + "|" + row.getBigDecimal(4));
                    }
                }
            } catch (SQLException error) {
                System.out.println("query failed " + error.getSQLState() + " " + oneLine(error));
            }
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE jdbc_people SET balance = balance + ? WHERE id = ?")) {
                update.setBigDecimal(1, new java.math.BigDecimal("1.50"));
                update.setInt(2, 2);
                System.out.println("updated " + update.executeUpdate());
            }
            connection.rollback();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE jdbc_people");
                System.out.println("drop ran");
            } catch (SQLException error) {
                System.out.println("refused " + error.getSQLState() + " " + oneLine(error));
            }
            try (Statement statement = connection.createStatement(); ResultSet after = statement.executeQuery(
                    "SELECT count(*) FROM jdbc_people")) {
                after.next();
                System.out.println("still there " + after.getInt(1));
            }
        }
    }

    /** The driver's message (ERROR, then Detail and Hint lines) on one line. */
    private static String oneLine(SQLException error) {
        return String.valueOf(error.getMessage()).replace("\n", " / ");
    }
}
