@echo off
rem docpipe for Windows: what ./docpipe does (see there), with the JDK from JAVA_HOME, the PATH or
rem the usual install folders (DOCPIPE_JVM_DIRS: ';'-separated folders instead).
rem   docpipe convert examples --out out  |  docpipe serve  |  docpipe env  |  docpipe test
setlocal EnableDelayedExpansion
set "HERE=%~dp0"
set "JAR=%HERE%local\target\docpipe-local.jar"
set "NEED=21"
set "BEST="
set "BEST_VERSION=0"
set "FOUND="

if defined JAVA_HOME call :consider "%JAVA_HOME%"
for /f "delims=" %%j in ('where java 2^>nul') do (
  for %%h in ("%%~dpj..") do call :consider "%%~fh"
)
if not defined DOCPIPE_JVM_DIRS set "DOCPIPE_JVM_DIRS=%ProgramFiles%\Java;%ProgramFiles%\Eclipse Adoptium;%ProgramFiles%\Microsoft;%ProgramFiles%\Zulu;%USERPROFILE%\.jdks"
for %%d in ("%DOCPIPE_JVM_DIRS:;=" "%") do (
  if exist "%%~d\" for /d %%h in ("%%~d\*") do call :consider "%%~fh"
)
if not defined BEST (
  if not defined FOUND set "FOUND=no JDK"
  echo docpipe needs a JDK %NEED% or newer and found !FOUND! ^(looked in JAVA_HOME, the PATH and %DOCPIPE_JVM_DIRS%^): install one ^(e.g. Temurin %NEED% or 25^) and set JAVA_HOME to it. 1>&2
  exit /b 2
)
set "JAVA_HOME=%BEST%"
rem the client compiler only, compiling after a tenth of the usual calls: on two cores the optimising one took the CPU the work needed (docs/benchmarks.md, "The JIT")
set "OPTS=-Xmx560m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1"
rem JDK 19+: a class-data sharing archive next to the jar, written by the JVM when a run ends without a valid one
if %BEST_VERSION% GEQ 19 set "OPTS=%OPTS% -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=%HERE%local\target\docpipe-local.jsa" -Xlog:cds*=off"
if %BEST_VERSION% GEQ 22 set "OPTS=%OPTS% --enable-native-access=ALL-UNNAMED"
if %BEST_VERSION% GEQ 23 (
  set "OPTS=%OPTS% --sun-misc-unsafe-memory-access=allow"
  set "MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow %MAVEN_OPTS%"
)

if /i "%~1"=="test" (
  shift
  pushd "%HERE%"
  call mvnw.cmd -B -ntp verify %2 %3 %4 %5 %6 %7 %8 %9
  set "CODE=!ERRORLEVEL!"
  popd
  exit /b !CODE!
)

rem The jar is built when missing; after changing sources run: docpipe.cmd rebuild
set "REBUILD="
if /i "%~1"=="rebuild" set "REBUILD=1"
if not exist "%JAR%" set "REBUILD=1"
if defined REBUILD (
  echo docpipe: building %JAR% ^(the first time downloads the dependencies: a few minutes^)... 1>&2
  pushd "%HERE%"
  call mvnw.cmd -B -q -ntp package -DskipTests -pl local -am
  set "CODE=!ERRORLEVEL!"
  popd
  if not "!CODE!"=="0" (
    echo docpipe: the build failed ^(see above^) 1>&2
    exit /b 3
  )
  if /i "%~1"=="rebuild" exit /b 0
)
"%BEST%\bin\java.exe" %OPTS% %DOCPIPE_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%

:consider
set "H=%~1"
if not exist "%H%\bin\java.exe" exit /b 0
set "V="
if exist "%H%\release" (
  for /f "tokens=2 delims==" %%v in ('findstr /b "JAVA_VERSION=" "%H%\release"') do set "V=%%~v"
)
if not defined V exit /b 0
if "%V:~0,2%"=="1." set "V=%V:~2%"
for /f "tokens=1 delims=.-+" %%m in ("%V%") do set "V=%%m"
echo !FOUND! | findstr /c:"(%H%)" >nul && exit /b 0
if defined FOUND (set "FOUND=!FOUND!, Java %V% (%H%)") else (set "FOUND=Java %V% (%H%)")
if %V% GEQ %NEED% if %V% GTR %BEST_VERSION% (
  set "BEST=%H%"
  set "BEST_VERSION=%V%"
)
exit /b 0
