//! Confirming a destructive command: asked on a terminal, refused without one.

use std::io::{BufRead, IsTerminal, Write};

/// Is there someone to ask: are stdin and stderr both terminals?
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks `question` on stderr and reads the answer from stdin: `yes` or `y` confirms; anything else (or end of
/// input) does not, and the `Err` is `declined` (what was left undone).
pub fn ask(question: &str, declined: &str) -> Result<(), String> {
    if !can_ask() {
        return Err(format!("{question}\nrefused: not on a terminal, so nobody can confirm; pass --yes to proceed"));
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{question} Type 'yes' to proceed: ");
    let _ = stderr.flush();
    drop(stderr);
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(_) if matches!(answer.trim(), "yes" | "y") => Ok(()),
        _ => Err(declined.to_owned()),
    }
}
