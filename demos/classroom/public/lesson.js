// The teacher's page: a download of what happened, as xAPI statements.
const room = document.getElementById('class');
const tools = document.querySelector('.teacher-tools');
room.addEventListener('beckon-ready', (event) => {
  tools.hidden = !event.classroom.isTeacher;
  document.body.dataset.role = event.classroom.role;
});
document.getElementById('export').addEventListener('click', () => {
  const lesson = location.href.replace(/#.*$/, '');
  const statements = room.classroom.exportXapi({ activityId: lesson, lessonName: 'Comparing fractions', homePage: location.origin });
  const blob = new Blob([JSON.stringify(statements, null, 2)], { type: 'application/json' });
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: 'comparing-fractions.xapi.json' });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});
