"""Check HTML with the Nu HTML Checker (vnu-jar, installed by `make html-validator` into tests/vnu)."""
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

VNU_JAR = Path(__file__).parent / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def available() -> bool:
    return VNU_JAR.exists() and shutil.which("java") is not None


def check(pages: list[tuple[str, str]]) -> list[str]:
    """Check each (url, html) in one run of the checker (one Java start); return "url: line N: message" errors."""
    if not pages:
        return []
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for number, (url, html) in enumerate(pages):
            path = Path(folder) / f"page-{number:04d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = url
        done = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
                               "--exit-zero-always", "--no-langdetect", folder],
                              capture_output=True, text=True, timeout=600, check=True)
    messages = json.loads(done.stdout)["messages"]
    # the checker names a file "file:/tmp/…/page-0001.html"
    return [f"{names.get(m.get('url', '').rpartition('/')[2], m.get('url'))}: line {m.get('lastLine', '?')}: {m['message']}"
            f" [{m.get('extract', '').strip()[:120]}]" for m in messages]
