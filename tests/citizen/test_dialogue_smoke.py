from tests.pages import sign_in_citizen


def test_conversation_page_greets_the_citizen(client, page, household):
    sign_in_citizen(client, household.citizen)
    soup = page.get("citizen.conversation")
    question = soup.select_one("#current-question").get_text(strip=True)
    assert question == "Hvad vil du have hjælp til?"
