# Create the virtual environment .venv and install kyodo into it (Windows).
#   powershell -ExecutionPolicy Bypass -File scripts\setup.ps1          kyodo and what it needs to build
#   powershell -ExecutionPolicy Bypass -File scripts\setup.ps1 -Test    also what the tests need
# Saved as UTF-8 with BOM so that Windows PowerShell 5.1 reads the Japanese messages.
param([switch]$Test)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

$venv = if ($env:KYODO_VENV) { $env:KYODO_VENV } else { ".venv" }
$python = Join-Path $venv "Scripts\python.exe"
$extras = if ($Test) { "[test]" } else { "" }

if (-not (Test-Path $python)) {
    if (-not (Get-Command py -ErrorAction SilentlyContinue)) {
        Write-Host "エラー: Python が見つかりません。https://www.python.org/downloads/windows/ から Python 3.11 以上を入れてください（「py launcher」にもチェックを入れます）。"
        exit 1
    }
    & py -3 -c "import sys; sys.exit(sys.version_info < (3, 11))"
    if ($LASTEXITCODE -ne 0) {
        Write-Host "エラー: Python 3.11 以上が必要です（py -3 -V で確かめられます）。"
        exit 1
    }
    Write-Host "仮想環境を作ります: $venv"
    & py -3 -m venv $venv
    if ($LASTEXITCODE -ne 0) {
        Write-Host "エラー: 仮想環境を作れませんでした。Python を入れ直してから、もう一度実行してください。"
        exit 1
    }
}

# kyodo's own modules compiled once (as pip does for a package it installs): every
# build then starts without compiling them. Files already compiled are skipped.
& $python -m compileall -q kyodo *> $null

# Reinstall only when pyproject.toml changed since the last run (or the test extras
# are wanted and were not installed). The stamp's first line is what was installed for.
$stamp = Join-Path $venv ".kyodo-installed"
$want = (Get-FileHash pyproject.toml).Hash + " " + (Get-Location).Path
if (Test-Path $stamp) {
    $lines = @(Get-Content $stamp)
    if ($lines.Count -gt 0 -and $lines[0] -eq $want -and ($extras -eq "" -or $lines -contains $extras)) {
        Write-Host "仮想環境 $venv は準備できています。"
        exit 0
    }
}
Write-Host "kyodo と必要なものを $venv に入れます（初回は数分かかります）…"
& $python -m pip install -q --disable-pip-version-check -e ".$extras"
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Set-Content -Path $stamp -Value @($want, $extras)
Write-Host "準備ができました。"
