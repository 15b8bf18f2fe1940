/// The help texts of `kith` and its commands.
enum Usage {
  static let commandWords: [[String]: [String]] = [
    []: ["sync", "audit", "account", "contacts", "import", "show", "help"],
    ["account"]: ["add", "list", "folder"],
    ["account", "folder"]: ["add"],
    ["contacts"]: ["import"],
    ["import"]: ["contacts"],
  ]

  static func isCommandWord(_ word: String, after words: [String]) -> Bool {
    commandWords[words]?.contains(word) ?? false
  }

  static let globalOptions = """
    Options for every command:
      --store PATH     the SQLite store (default: $XDG_DATA_HOME/kith/kith.sqlite)
      --config PATH    the config file (default: $XDG_CONFIG_HOME/kith/config.json);
                       passwords are kept in credentials.json beside it, mode 0600
      -v, --verbose    also write log lines to standard error
      -h, --help       show help for the command
      --version        show the version of Kith and of its libraries
    """

  static func text(for words: [String]) -> String {
    switch words {
    case ["sync"]:
      return """
        Usage: kith sync [--store PATH] [--config PATH]

        Syncs every active account once and prints progress. Each folder pass sends the read
        state changed in Kith, applies flag changes and deletions made on the server, and
        fetches the missing mail of Inbox, Sent and the folders added with
        kith account folder add, newest first.

        \(globalOptions)
        """
    case ["audit"]:
      return """
        Usage: kith audit [--repair]

        Compares every synced folder of each active account on the server with the store and
        lists each message that is missing from the store or extra in it, and each stored copy
        that is damaged (its bytes lost or changed on disk), with the reason. Exits with
        status 0 when the store matches the server and 1 when it does not.
          --repair    fetch the missing messages, remove the extra ones, fetch the damaged
                      ones again, and audit again

        \(globalOptions)
        """
    case ["account", "folder"], ["account", "folder", "add"]:
      return """
        Usage: kith account folder add EMAIL FOLDER

        Adds FOLDER to the folders that kith sync fetches for the account EMAIL, after Inbox
        and Sent. Give the folder's full name as the server lists it, with the server's
        hierarchy separator, such as Projects or Projects.Acme.

        \(globalOptions)
        """
    case ["account"], ["account", "add"]:
      return """
        Usage: kith account add --email ADDRESS --imap-host HOST --smtp-host HOST [options]
               kith account list

        Adds a mail account (or replaces the one with the same email address).
          --email ADDRESS            the account's email address (required)
          --login NAME               the IMAP and SMTP login: user name or email (default: --email)
          --imap-host HOST           the IMAP server (required)
          --imap-port PORT           default: 993 for tls, 143 for starttls
          --imap-security MODE       tls (default) or starttls
          --smtp-host HOST           the SMTP server (required)
          --smtp-port PORT           default: 465 for tls, 587 for starttls
          --smtp-security MODE       tls or starttls (default)
          --ca-file PATH             trust the CA certificates in this PEM file instead of the system's
          --password-stdin           read the password from the first line of standard input
          --sharing MODE             private (default) or public

        \(globalOptions)
        """
    case ["contacts"], ["contacts", "import"], ["import"], ["import", "contacts"]:
      return """
        Usage: kith contacts import FILE

        Imports contacts from a vCard file (versions 3.0 and 4.0). Contacts whose email
        address is already known are skipped; cards that cannot be read are listed with the reason.

        \(globalOptions)
        """
    case ["show"]:
      return """
        Usage: kith show FILE
               kith show --id ID

        Prints a message as the message pane shows it: the main headers, the body text and the
        attachment list. FILE is an RFC 5322 message file, or - for standard input; --id ID
        reads a stored message.

        \(globalOptions)
        """
    default:
      return """
        Kith: a terminal mail client for people who keep their customers in a CRM.

        Usage: kith [COMMAND] [options]

        Commands:
          (none)                 open the full-screen browser: contacts, threads, messages
          sync                   sync every account once and print progress
          account add            add a mail account
          account list           list the mail accounts
          account folder add     sync one more folder of an account
          audit [--repair]       compare the store with the server, and repair it
          contacts import FILE   import contacts from a vCard file
          show FILE | --id ID    print a message as Kith shows it

        \(globalOptions)
        Run kith COMMAND --help for a command's options.
        """
    }
  }
}
