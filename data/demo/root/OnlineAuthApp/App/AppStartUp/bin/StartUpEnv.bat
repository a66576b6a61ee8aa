@echo off
rem Caora アプリ起動前の待ち時間（秒）
set WAIT_TIME_SECOND=40
timeout /t %WAIT_TIME_SECOND% /nobreak > nul
rem 起動
start "" "%~dp0CaoraStartUp.exe"
