@echo off
rem Intune-style detection (Proactive remediations / Remediations): exit 1 when
rem caora finds a problem on this terminal, so that remediate.cmd runs; exit 0
rem otherwise. Exactly one line on stdout, nothing on stderr: Intune counts
rem anything on stderr as a script error and cuts long output.
rem   CAORA_EXE   caora.exe to run (default: caora.exe on PATH)
rem   CAORA_ARGS  global options before the command (e.g. --site FILE --state-dir DIR)
rem When caora itself cannot run (not installed, exit 2 or 10), the line says so
rem and the exit is 0: a remediation could not help, and nothing is changed.
setlocal EnableExtensions EnableDelayedExpansion
if not defined CAORA_EXE set "CAORA_EXE=caora.exe"
set "out=%TEMP%\caora-detect-%RANDOM%%RANDOM%.txt"
"%CAORA_EXE%" --lang en %CAORA_ARGS% doctor > "%out%" 2>nul
set "rc=%ERRORLEVEL%"
set "counts="
set "codes="
for /f "usebackq delims=" %%L in (`findstr /b /c:"Checked:" "%out%" 2^>nul`) do set "counts=%%L"
rem The findings' heads end in [recipe]: their ids, for the summary.
for /f "usebackq tokens=2 delims=[]" %%R in (`findstr /r /c:"^[^ ].*\[[a-z0-9-]*\]$" "%out%" 2^>nul`) do set "codes=!codes! %%R"
del /q "%out%" >nul 2>&1
if "%rc%"=="0" (
  echo caora: no problem found. !counts!
  exit /b 0
)
if "%rc%"=="1" (
  echo caora: problem found:!codes!. !counts!
  exit /b 1
)
echo caora: not checked ^(caora exit %rc%^)
exit /b 0
